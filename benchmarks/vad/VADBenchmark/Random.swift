import Foundation

/// SplitMix64: a small seeded generator, so every mixture is rebuilt bit for bit from its seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [a, b).
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * Double(next() >> 11) / Double(1 << 53) }
    /// Standard normal (Box-Muller).
    mutating func gaussian() -> Double {
        let u = max(1e-300, uniform(0, 1)), v = uniform(0, 1)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

/// Mean power of `x` (over `frames` of 160 samples where `mask` is set, when given).
func meanPower(_ x: [Float], mask: [Bool]? = nil) -> Double {
    guard let mask else { return x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count)) }
    var sum = 0.0, count = 0
    for (t, on) in mask.enumerated() where on {
        for i in (t * 160)..<min(x.count, t * 160 + 160) { sum += Double(x[i]) * Double(x[i]); count += 1 }
    }
    return sum / Double(max(1, count))
}

func decibels(_ power: Double) -> Double { 10 * log10(max(power, 1e-20)) }
