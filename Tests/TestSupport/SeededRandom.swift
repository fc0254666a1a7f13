import Foundation

/// The tests' one pseudo-random generator (SplitMix64): every random input in a test is drawn from a
/// seed, so a failure replays exactly. `SER_TEST_SEED` (an integer) replaces every seed, to run the
/// same tests on other draws; a failing draw is replayed with the seed its test names.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    /// The seed this generator started from (after any `SER_TEST_SEED` override), for failure messages.
    public let seed: UInt64

    public init(seed: UInt64) {
        let override = ProcessInfo.processInfo.environment["SER_TEST_SEED"].flatMap { UInt64($0) }
        self.seed = override.map { $0 &+ seed } ?? seed
        state = self.seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Uniform in [0, 1) with 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal in Double (Box-Muller on `unit()`).
    public mutating func normal() -> Double {
        (-2 * log(max(1e-300, unit()))).squareRoot() * cos(2 * Double.pi * unit())
    }

    /// Standard normal (Box-Muller).
    public mutating func gaussian() -> Float {
        let u = max(Double(next() >> 11) / Double(1 << 53), 1e-300), v = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }
}
