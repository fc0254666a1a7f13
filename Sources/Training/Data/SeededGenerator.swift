import Foundation

/// A deterministic pseudo-random generator (xoshiro256**, seeded through SplitMix64) so every split,
/// shuffle and augmentation is reproducible from a seed, on every platform and Swift version.
///
/// The standard library's `shuffle(using:)` and `random(in:using:)` are not specified to stay the
/// same across releases, so the training code uses `uniform(below:)`, `unitDouble()` and
/// `shuffle(_:)` from here instead; `RandomNumberGenerator` conformance is for convenience only.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator for `seed`; `streams` select independent sub-streams (e.g. epoch and example
    /// index for on-the-fly augmentation), so example 7 of epoch 3 gets the same noise whatever
    /// order the examples are visited in.
    public init(seed: UInt64, streams: UInt64...) {
        var mix = seed
        for stream in streams {
            // Fold each stream id into the seed through one SplitMix64 step (a bijective mixer).
            mix = Self.splitMix(&mix) ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        }
        var s = mix
        state = (Self.splitMix(&s), Self.splitMix(&s), Self.splitMix(&s), Self.splitMix(&s))
    }

    /// SplitMix64 (Steele, Lea & Flood 2014): advances `x` and returns the next output.
    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Next 64 random bits (xoshiro256**, Blackman & Vigna 2018).
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift with rejection: unbiased).
    public mutating func uniform(below bound: Int) -> Int {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// A uniform integer in `range` (inclusive).
    public mutating func uniform(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + uniform(below: range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func unitDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform double in `range`.
    public mutating func uniform(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unitDouble()
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { p > 0 && unitDouble() < p }

    /// A standard normal deviate (Box-Muller; one of the pair is discarded to keep the state simple).
    public mutating func gaussian() -> Double {
        let u1 = max(unitDouble(), 0x1p-60), u2 = unitDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Fisher-Yates shuffle in place, defined here so results never depend on the standard library.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, uniform(below: i + 1))
        }
    }

    /// A shuffled copy.
    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var copy = items
        shuffle(&copy)
        return copy
    }
}
