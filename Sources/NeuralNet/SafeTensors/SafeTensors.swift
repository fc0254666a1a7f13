#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A set of named float32 tensors with string metadata, in the safetensors format read and written by
/// PyTorch and Hugging Face (https://github.com/huggingface/safetensors).
///
/// File layout: an 8-byte little-endian unsigned header length `N`; `N` bytes of UTF-8 JSON mapping each
/// tensor name to `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}` plus an optional
/// `"__metadata__": {String: String}`; then the data region, where each tensor's little-endian values
/// occupy bytes `[begin, end)`. The writer pads the header with spaces so the data starts 8-byte aligned.
///
/// Reading is strict (see `init(bytes:source:)`) because model files come from outside the process.
public struct SafeTensors: Sendable, Equatable {
    /// The tensors by name.
    public var tensors: [String: Tensor]
    /// Free-form string metadata (`__metadata__`), e.g. the architecture under `NetworkSpec.metadataKey`.
    public var metadata: [String: String]

    /// Largest accepted header, in bytes (the limit of the reference implementation).
    public static let maximumHeaderLength = 100_000_000

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and validates a file; see `init(bytes:source:)` for the checks.
    public init(contentsOfFile path: String) throws(SafeTensorsError) {
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(file: path, reason: "\(error)")
        }
        try self.init(bytes: bytes, source: path)
    }

    /// Parses a complete file image.
    ///
    /// Checks, before allocating anything the header claims: the header length is ≤ 100 MB and fits the
    /// file; the header is a JSON object; every dtype is `F32`; shapes are non-negative and their byte
    /// size does not overflow; `data_offsets` lie in the data region and match `shape` × 4 bytes; tensors
    /// do not overlap and cover the data region exactly. `source` names the file in errors.
    public init(bytes: [UInt8], source: String = "<memory>") throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .truncated(file: source, size: bytes.count) }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw .headerTooLarge(file: source, length: headerLength, limit: Self.maximumHeaderLength)
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .headerExceedsFile(file: source, length: headerLength, available: bytes.count - 8)
        }
        let headerEnd = 8 + Int(headerLength)
        let header = try Self.parseHeader(bytes[8..<headerEnd], source: source)
        let dataSize = bytes.count - headerEnd

        // Validate every entry, then the layout of the data region as a whole.
        var spans: [(name: String, begin: Int, end: Int)] = []
        for (name, entry) in header.entries {
            guard entry.dtype == "F32" else { throw .unsupportedDType(file: source, tensor: name, dtype: entry.dtype) }
            guard entry.dataOffsets.count == 2 else {
                throw .invalidTensorEntry(file: source, tensor: name, reason: "data_offsets must have 2 elements")
            }
            let (begin, end) = (entry.dataOffsets[0], entry.dataOffsets[1])
            guard begin >= 0, end >= begin, end <= dataSize else {
                throw .offsetsOutOfRange(file: source, tensor: name, begin: begin, end: end, dataSize: dataSize)
            }
            guard let byteCount = Self.byteCount(of: entry.shape) else {
                throw .invalidTensorEntry(file: source, tensor: name,
                                          reason: "shape \(entry.shape) is negative or its size overflows")
            }
            guard byteCount == end - begin else {
                throw .byteLengthMismatch(file: source, tensor: name, shape: entry.shape,
                                          expectedBytes: byteCount, actualBytes: end - begin)
            }
            spans.append((name, begin, end))
        }
        spans.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        var previous: String?
        for span in spans {
            if span.begin < covered, let previous { throw .overlappingTensors(file: source, first: previous, second: span.name) }
            if span.begin > covered {
                throw .uncoveredData(file: source, after: previous, offset: covered, length: span.begin - covered)
            }
            covered = span.end
            previous = span.name
        }
        if covered != dataSize {
            throw .uncoveredData(file: source, after: previous, offset: covered, length: dataSize - covered)
        }

        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(header.entries.count)
        bytes.withUnsafeBytes { raw in
            for (name, entry) in header.entries {
                let start = headerEnd + entry.dataOffsets[0]
                let count = (entry.dataOffsets[1] - entry.dataOffsets[0]) / 4
                let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for i in 0..<count {
                        let bits = raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)
                        buffer[i] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                    initialized = count
                }
                tensors[name] = Tensor(shape: entry.shape, values: values)
            }
        }
        self.tensors = tensors
        self.metadata = header.metadata
    }

    /// `shape` product × 4, or nil if an extent is negative or the product overflows `Int`.
    static func byteCount(of shape: [Int]) -> Int? {
        var bytes = 4
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = bytes.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            bytes = product
        }
        return bytes
    }

    // MARK: Header JSON

    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]
        enum CodingKeys: String, CodingKey { case dtype, shape, dataOffsets = "data_offsets" }
    }

    struct Header: Decodable {
        var metadata: [String: String] = [:]
        var entries: [(String, Entry)] = []

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DynamicKey.self)
            for key in container.allKeys {
                if key.stringValue == "__metadata__" {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    do {
                        entries.append((key.stringValue, try container.decode(Entry.self, forKey: key)))
                    } catch {
                        throw EntryError(tensor: key.stringValue, underlying: error)
                    }
                }
            }
        }
    }

    struct EntryError: Error {
        var tensor: String
        var underlying: any Error
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func parseHeader(_ bytes: ArraySlice<UInt8>, source: String) throws(SafeTensorsError) -> Header {
        // The format requires a JSON object; checking the first byte also rejects padding-only headers.
        guard bytes.first == UInt8(ascii: "{") else {
            throw .invalidHeader(file: source, reason: "header does not start with '{'")
        }
        do {
            return try JSONDecoder().decode(Header.self, from: Data(bytes))
        } catch let error as EntryError {
            throw .invalidTensorEntry(file: source, tensor: error.tensor, reason: Self.summary(of: error.underlying))
        } catch {
            throw .invalidHeader(file: source, reason: Self.summary(of: error))
        }
    }

    private static func summary(of error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case let .dataCorrupted(context): return "not valid JSON (\(context.debugDescription))"
        case let .keyNotFound(key, _): return "missing field \"\(key.stringValue)\""
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type at \"\(path)\": \(context.debugDescription)"
        @unknown default: return "\(decoding)"
        }
    }
}
