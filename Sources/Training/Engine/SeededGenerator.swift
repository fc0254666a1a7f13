/// A small, fast, seedable random generator (SplitMix64) whose whole state is one `UInt64`, so a
/// checkpoint can store it and a resumed run continues the exact same stream.
///
/// Training derives an independent generator per purpose and epoch (`derived(_:)`), which makes every
/// epoch's shuffling, augmentation and dropout a pure function of (seed, epoch, batch): resuming from
/// an epoch-boundary checkpoint reproduces the uninterrupted run bit for bit.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent generator for a sub-stream identified by `keys` (e.g. `[epoch, batch]`).
    public func derived(_ keys: Int...) -> SeededGenerator {
        var mixer = SeededGenerator(seed: state)
        var seed = mixer.next()
        for key in keys {
            mixer = SeededGenerator(seed: seed ^ UInt64(bitPattern: Int64(key)) &* 0xD6E8_FEB8_6659_FD93)
            seed = mixer.next()
        }
        return SeededGenerator(seed: seed)
    }

    /// Uniform in [0, 1).
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1 / Float(1 << 24))
    }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * (1 / Double(1 << 53)), 1e-300)
        let u2 = Double(next() >> 11) * (1 / Double(1 << 53))
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) private func _log(_ x: Double) -> Double { log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
