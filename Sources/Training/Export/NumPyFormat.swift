import Features
import LinearAlgebra
import LinearAlgebra

/// NumPy `.npy` format version 1.0 for a Float matrix: the magic `\x93NUMPY`, version bytes 1 0,
/// a little-endian UInt16 header length, an ASCII dict
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (rows, columns), }` padded with spaces and a
/// final newline so the data starts at a multiple of 64 bytes, then the values little-endian in C order.
public enum NumPyFormat {
    public static func encode(_ matrix: Matrix) -> [UInt8] {
        let dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(matrix.rows), \(matrix.columns)), }"
        let prefixLength = 10  // magic (6) + version (2) + header length (2)
        var headerLength = dictionary.utf8.count + 1  // + "\n"
        headerLength += (64 - (prefixLength + headerLength) % 64) % 64
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(headerLength & 0xff), UInt8(headerLength >> 8)]
        bytes += Array(dictionary.utf8)
        bytes += [UInt8](repeating: 0x20, count: headerLength - dictionary.utf8.count - 1)
        bytes.append(0x0a)
        bytes.reserveCapacity(bytes.count + 4 * matrix.values.count)
        for value in matrix.values {
            let bits = value.bitPattern.littleEndian
            bytes += [UInt8(bits & 0xff), UInt8((bits >> 8) & 0xff), UInt8((bits >> 16) & 0xff), UInt8(bits >> 24)]
        }
        return bytes
    }
}
