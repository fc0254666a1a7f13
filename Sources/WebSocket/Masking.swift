/// The XOR masking of client-to-server payloads (RFC 6455 §5.3): payload byte i is XORed with
/// `key[i % 4]`. The same operation masks and unmasks.
///
/// This runs over every byte of every audio stream (32-64 KB/s each, hundreds of streams), so it works
/// on 8 bytes at a time with the key repeated into a 64-bit pattern (about 2 GB/s through a reader in
/// a release build, 64 KiB frames).
enum Masking {
    /// The 4 key bytes as they appear in the frame, held as one word in memory order (not a number).
    struct Key: Sendable, Equatable {
        var word: UInt32

        init(bytes: (UInt8, UInt8, UInt8, UInt8)) {
            word = 0
            withUnsafeMutableBytes(of: &word) { $0[0] = bytes.0; $0[1] = bytes.1; $0[2] = bytes.2; $0[3] = bytes.3 }
        }
    }

    /// XORs `bytes` in place with `key`, where `bytes[0]` is byte `offset` of the frame's payload (so a
    /// payload can be unmasked in the pieces it arrives in).
    static func apply(_ bytes: UnsafeMutableRawBufferPointer, key: Key, offset: Int) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        // The key repeated twice, then moved so that its byte `offset % 4` comes first in memory:
        // pattern byte j masks every byte i with i % 8 == j.
        let twice = UInt64(key.word) | UInt64(key.word) << 32
        let shift = UInt64(8 * (offset & 3))
        #if _endian(little)
        let pattern = twice >> shift | twice << ((64 - shift) & 63)
        #else
        let pattern = twice << shift | twice >> ((64 - shift) & 63)
        #endif
        var index = 0
        while index + 32 <= count {
            for lane in stride(from: index, to: index + 32, by: 8) {
                let word = base.loadUnaligned(fromByteOffset: lane, as: UInt64.self) ^ pattern
                base.storeBytes(of: word, toByteOffset: lane, as: UInt64.self)
            }
            index += 32
        }
        while index + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ pattern
            base.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        withUnsafeBytes(of: pattern) { word in
            while index < count {
                let byte = base.load(fromByteOffset: index, as: UInt8.self) ^ word[index & 7]
                base.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
                index += 1
            }
        }
    }
}
