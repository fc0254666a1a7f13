import Testing
@testable import WebSocket

/// SHA-1 against FIPS 180-2 Appendix A / RFC 3174 §7.3 vectors, plus lengths around the padding
/// boundaries (55/56/63/64 bytes; digests from Python's hashlib).
@Suite("SHA-1")
struct SHA1Tests {
    static func hex(_ digest: [UInt8]) -> String {
        digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test(arguments: [
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (String(repeating: "01234567", count: 80), "dea356a2cddd90c7a7ecedc5ebb563934f460452"),
    ])
    func standardVectors(message: String, digest: String) {
        #expect(Self.hex(SHA1.hash(message.utf8)) == digest)
    }

    /// One million 'a', fed in uneven pieces to exercise the block buffering.
    @Test func oneMillionA() {
        var sha = SHA1()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
        var fed = 0
        while fed < 1_000_000 {
            let count = min(piece.count, 1_000_000 - fed)
            sha.update(piece.prefix(count))
            fed += count
        }
        #expect(Self.hex(sha.finalize()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test(arguments: [
        (55, "aecd1643c9903b9bae8cb94f53c50f8a4e18605b"), (56, "f5d65c621c02cc8e785159feff8088e3072da1bc"),
        (57, "a69640f450b01dd44b096a2a697b52e3f2aeb117"), (63, "4952f0fe097e4d6410ae9eab4855aa836caf3bff"),
        (64, "1e17ae1fc093e5daca033553c97a5192ca164486"), (65, "ac44f5dbe3e9b5d2733fc9537fcad715c3c20bc3"),
        (119, "b4a4e69060d0b1e7e8ebbf7041a4211c63438b57"), (120, "b651390c2996406336a3f6647e4b590c18cdd6f8"),
    ])
    func paddingBoundaries(length: Int, digest: String) {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(Self.hex(SHA1.hash(message)) == digest)
    }
}
