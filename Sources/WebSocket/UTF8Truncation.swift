/// Cutting text to a byte budget without splitting a character's encoding (close reasons: 123 bytes).
enum UTF8Truncation {
    /// The longest prefix of `text` whose UTF-8 encoding fits `maxBytes`, cut between Unicode scalars
    /// (never inside a multi-byte sequence).
    static func prefix(of text: String, maxBytes: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > maxBytes else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: maxBytes)
        // Back up over continuation bytes (10xxxxxx) to the start of the scalar that did not fit.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
        }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }
}
