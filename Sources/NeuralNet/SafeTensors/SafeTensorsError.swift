/// Why a safetensors file could not be read or written. Every case names the file (or `<memory>`) and,
/// where one is at fault, the tensor.
public enum SafeTensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read (`reason` from the OS).
    case unreadable(file: String, reason: String)
    /// The file could not be written.
    case unwritable(file: String, reason: String)
    /// Fewer than the 8 bytes of the header-length field.
    case truncated(file: String, size: Int)
    /// The header-length field exceeds the 100 MB limit.
    case headerTooLarge(file: String, length: UInt64, limit: Int)
    /// The header-length field points past the end of the file.
    case headerExceedsFile(file: String, length: UInt64, available: Int)
    /// The header is not a JSON object of the safetensors form.
    case invalidHeader(file: String, reason: String)
    /// A tensor's entry is malformed (missing field, wrong type, negative or overflowing shape, ...).
    case invalidTensorEntry(file: String, tensor: String, reason: String)
    /// Only `F32` tensors are supported.
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// `data_offsets` lie outside the data region.
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// `data_offsets` span a different number of bytes than `shape` × 4.
    case byteLengthMismatch(file: String, tensor: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
    /// Two tensors share bytes.
    case overlappingTensors(file: String, first: String, second: String)
    /// Bytes of the data region belong to no tensor (`after` is the tensor before the gap, nil at the start).
    case uncoveredData(file: String, after: String?, offset: Int, length: Int)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): cannot read: \(reason)"
        case let .unwritable(file, reason): "\(file): cannot write: \(reason)"
        case let .truncated(file, size): "\(file): truncated: \(size) bytes, fewer than the 8-byte header length"
        case let .headerTooLarge(file, length, limit): "\(file): header length \(length) exceeds the \(limit)-byte limit"
        case let .headerExceedsFile(file, length, available):
            "\(file): header length \(length) exceeds the \(available) bytes after the length field"
        case let .invalidHeader(file, reason): "\(file): invalid header: \(reason)"
        case let .invalidTensorEntry(file, tensor, reason): "\(file): tensor \(tensor): \(reason)"
        case let .unsupportedDType(file, tensor, dtype): "\(file): tensor \(tensor) has dtype \(dtype); only F32 is supported"
        case let .offsetsOutOfRange(file, tensor, begin, end, dataSize):
            "\(file): tensor \(tensor) has data_offsets [\(begin), \(end)] outside the \(dataSize)-byte data region"
        case let .byteLengthMismatch(file, tensor, shape, expected, actual):
            "\(file): tensor \(tensor) of shape \(shape) needs \(expected) bytes but its data_offsets span \(actual)"
        case let .overlappingTensors(file, first, second): "\(file): tensors \(first) and \(second) overlap"
        case let .uncoveredData(file, after, offset, length):
            "\(file): \(length) bytes at data offset \(offset)\(after.map { " after tensor \($0)" } ?? "") belong to no tensor"
        }
    }
}
