/// SHA-1 (FIPS 180-4 §6.1), only for the opening handshake's `Sec-WebSocket-Accept` (RFC 6455 §4.2.2),
/// where it is a fixed transform, not a security measure. Not for anything that needs collision
/// resistance.
struct SHA1: Sendable {
    /// H0-H4 (FIPS 180-4 §5.3.1).
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
    /// The incomplete 64-byte block.
    private var block: [UInt8] = []
    /// Message length so far, in bytes.
    private var length: UInt64 = 0

    init() {
        block.reserveCapacity(64)
    }

    /// The 20-byte digest of `bytes`.
    static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var sha = SHA1()
        sha.update(bytes)
        return sha.finalize()
    }

    /// Adds message bytes.
    mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            length &+= 1
            absorb(byte)
        }
    }

    /// Adds one byte to the block, compressing a full one.
    private mutating func absorb(_ byte: UInt8) {
        block.append(byte)
        if block.count == 64 {
            compress()
            block.removeAll(keepingCapacity: true)
        }
    }

    /// The digest (pads the message: 0x80, zeros, the 64-bit big-endian bit length; FIPS 180-4 §5.1.1).
    mutating func finalize() -> [UInt8] {
        let bits = length &* 8
        var padding: [UInt8] = [0x80]
        let afterMark = (block.count + 1) % 64
        padding += [UInt8](repeating: 0, count: afterMark <= 56 ? 56 - afterMark : 120 - afterMark)
        for shift in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        for byte in padding { absorb(byte) }
        var digest: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3, state.4] {
            digest += [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
        }
        return digest
    }

    /// One 64-byte block (FIPS 180-4 §6.1.2).
    private mutating func compress() {
        var w = [UInt32](repeating: 0, count: 80)
        for t in 0..<16 {
            w[t] = UInt32(block[4 * t]) << 24 | UInt32(block[4 * t + 1]) << 16 | UInt32(block[4 * t + 2]) << 8 | UInt32(block[4 * t + 3])
        }
        for t in 16..<80 {
            let x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]
            w[t] = x << 1 | x >> 31
        }
        var (a, b, c, d, e) = state
        for t in 0..<80 {
            let f: UInt32, k: UInt32
            switch t {
            case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999  // Ch
            case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1  // Parity
            case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC  // Maj
            default: f = b ^ c ^ d; k = 0xCA62_C1D6  // Parity
            }
            let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[t]
            e = d
            d = c
            c = b << 30 | b >> 2
            b = a
            a = temp
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
    }
}
