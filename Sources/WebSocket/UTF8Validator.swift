/// An incremental UTF-8 validator (Unicode 15, Table 3-7 "Well-Formed UTF-8 Byte Sequences"): feed the
/// bytes of a text message as they arrive, in pieces split anywhere, and it fails at the first byte
/// that cannot belong to well-formed UTF-8. Rejects overlong forms, surrogates (U+D800-DFFF) and code
/// points above U+10FFFF, like `String(validating:as:)`.
struct UTF8Validator: Sendable {
    /// Continuation bytes still expected for the current sequence (0 between sequences).
    private var pending = 0
    /// The range allowed for the next continuation byte; narrower than 80-BF only for the second
    /// byte after E0, ED, F0 and F4 (what rules out overlongs, surrogates and > U+10FFFF).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// Whether everything fed so far ends between two characters (a message may end here).
    var isAtBoundary: Bool { pending == 0 }

    /// Checks `bytes`, continuing the sequence the previous call left open; false at the first byte
    /// that is not well-formed (the validator's state is then meaningless).
    mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            if pending == 0 {
                // ASCII fast path, 8 bytes at a time: no byte has its top bit set.
                while index + 8 <= count, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: pending = 1; lower = 0x80; upper = 0xBF
                case 0xE0: pending = 2; lower = 0xA0; upper = 0xBF  // no overlong 3-byte forms
                case 0xE1...0xEC, 0xEE...0xEF: pending = 2; lower = 0x80; upper = 0xBF
                case 0xED: pending = 2; lower = 0x80; upper = 0x9F  // no surrogates
                case 0xF0: pending = 3; lower = 0x90; upper = 0xBF  // no overlong 4-byte forms
                case 0xF1...0xF3: pending = 3; lower = 0x80; upper = 0xBF
                case 0xF4: pending = 3; lower = 0x80; upper = 0x9F  // nothing above U+10FFFF
                default: return false  // 80-BF without a lead byte, C0/C1 (overlong), F5-FF
                }
            } else {
                let byte = bytes[index]
                index += 1
                guard byte >= lower, byte <= upper else { return false }
                pending -= 1
                lower = 0x80
                upper = 0xBF
            }
        }
        return true
    }

    /// Whether `bytes` alone are well-formed UTF-8 (a close frame's reason).
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) && validator.isAtBoundary
    }
}
