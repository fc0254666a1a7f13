/// Base64 with the standard alphabet and padding (RFC 4648 §4), for the handshake's key and accept
/// values. Decoding is strict: anything but the canonical encoding of some bytes is refused.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let padding = UInt8(ascii: "=")

    /// The 6-bit value of each ASCII byte, 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
        return table
    }()

    /// `bytes` as base64, padded with "=" to a multiple of 4 characters.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            let b0 = UInt32(input[index])
            let b1 = remaining > 1 ? UInt32(input[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(input[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : padding)
            output.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : padding)
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil unless it is canonical base64: a multiple of 4 characters, all
    /// from the alphabet, "=" only as the last one or two, and the unused bits before the padding zero
    /// (RFC 4648 §3.5). No whitespace or line breaks.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let symbols = Array(text.utf8)
        guard symbols.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(symbols.count / 4 * 3)
        var index = 0
        while index < symbols.count {
            let isLast = index + 4 == symbols.count
            let paddingCount = isLast ? (symbols[index + 3] == padding ? (symbols[index + 2] == padding ? 2 : 1) : 0) : 0
            var group: UInt32 = 0
            for offset in 0..<(4 - paddingCount) {
                let value = values[Int(symbols[index + offset])]
                guard value != 0xFF else { return nil }
                group = group << 6 | UInt32(value)
            }
            group <<= UInt32(6 * paddingCount)
            output.append(UInt8(group >> 16))
            switch paddingCount {
            case 0:
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
            case 1:
                guard group & 0xFF == 0 else { return nil }
                output.append(UInt8(truncatingIfNeeded: group >> 8))
            default:
                guard group & 0xFFFF == 0 else { return nil }
            }
            index += 4
        }
        return output
    }
}
