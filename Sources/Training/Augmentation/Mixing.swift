import Foundation

/// Level changes: gain and noise at a signal-to-noise ratio.
public enum Mixing {
    /// `signal` scaled by `decibels` (20·log10 amplitude). Samples are not clipped: the network sees
    /// floats, and the telephone channel (the one stage that saturates) clips at ±1 itself.
    public static func gain(_ signal: [Float], decibels: Double) -> [Float] {
        let factor = Float(pow(10, decibels / 20))
        return signal.map { $0 * factor }
    }

    /// `signal + k·noise`, with `k` chosen so that `10·log10(P_signal / P_(k·noise)) = snrDecibels`, the
    /// powers being mean squares over the whole signal (`noise` is looped or truncated to the signal's
    /// length). A silent signal or noise is returned unchanged.
    public static func addNoise(_ signal: [Float], noise: [Float], snrDecibels: Double) -> [Float] {
        guard !signal.isEmpty, !noise.isEmpty else { return signal }
        let fitted = noise.count >= signal.count
            ? Array(noise.prefix(signal.count))
            : (0..<signal.count).map { noise[$0 % noise.count] }
        let signalPower = meanSquare(signal), noisePower = meanSquare(fitted)
        guard signalPower > 0, noisePower > 0 else { return signal }
        let k = Float((signalPower / (noisePower * pow(10, snrDecibels / 10))).squareRoot())
        var mixed = signal
        for i in mixed.indices { mixed[i] += k * fitted[i] }
        return mixed
    }

    /// Signal-to-noise ratio of `noisy` against its clean `signal`, dB (the added part is `noisy − signal`).
    public static func snrDecibels(signal: [Float], noisy: [Float]) -> Double {
        precondition(signal.count == noisy.count, "snrDecibels: lengths differ")
        let residual = zip(noisy, signal).map { $0 - $1 }
        return 10 * log10(meanSquare(signal) / meanSquare(residual))
    }

    static func meanSquare(_ signal: [Float]) -> Double {
        guard !signal.isEmpty else { return 0 }
        var sum = 0.0
        for x in signal { sum += Double(x) * Double(x) }
        return sum / Double(signal.count)
    }
}
