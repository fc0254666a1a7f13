/// Noise signals for additive-noise augmentation, all drawn from a `SeededGenerator`.
public enum Noise {
    /// The kinds of noise the augmentation policy can choose.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Flat spectrum (Gaussian samples).
        case white
        /// −3 dB per octave (1/f power), the spectrum of much ambient noise.
        case pink
        /// Several other utterances summed: the "cocktail party" background of a call centre.
        case babble
    }

    /// `count` Gaussian samples of unit variance.
    public static func white(count: Int, generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(generator.gaussian()) }
    }

    /// `count` samples of pink noise, scaled to unit RMS.
    ///
    /// White noise through Paul Kellet's "refined" pink filter (seven first-order sections whose poles
    /// are spread so their sum approximates a 1/f power slope within ±0.05 dB over about 12 octaves).
    /// The coefficients were published for 44.1 kHz; 1/f is scale-invariant, so at other rates the
    /// same filter is pink over the same number of octaves, ending at the Nyquist frequency.
    public static func pink(count: Int, generator: inout SeededGenerator) -> [Float] {
        var b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0, b4 = 0.0, b5 = 0.0, b6 = 0.0
        var output = [Float](repeating: 0, count: count)
        // Run the filter past its longest time constant (pole 0.99886 ≈ 880 samples) before keeping output.
        let warmUp = 4096
        for i in 0..<(count + warmUp) {
            let white = generator.gaussian()
            b0 = 0.99886 * b0 + white * 0.0555179
            b1 = 0.99332 * b1 + white * 0.0750759
            b2 = 0.96900 * b2 + white * 0.1538520
            b3 = 0.86650 * b3 + white * 0.3104856
            b4 = 0.55000 * b4 + white * 0.5329522
            b5 = -0.7616 * b5 - white * 0.0168980
            let pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362
            b6 = white * 0.115926
            if i >= warmUp { output[i - warmUp] = Float(pink) }
        }
        return normalized(output)
    }

    /// `count` samples of babble: `talkers` clips from `pool` (chosen at random, each from a random
    /// offset, looped when shorter than `count`), each scaled to unit RMS before summing so no talker
    /// dominates; the sum is scaled to unit RMS. Returns white noise if the pool is empty.
    public static func babble(count: Int, talkers: Int, pool: [[Float]], generator: inout SeededGenerator) -> [Float] {
        let usable = pool.filter { rms($0) > 0 }
        guard !usable.isEmpty, talkers > 0 else { return white(count: count, generator: &generator) }
        var mix = [Float](repeating: 0, count: count)
        for _ in 0..<talkers {
            let clip = usable[generator.uniform(below: usable.count)]
            let scale = Float(1 / rms(clip))
            var position = generator.uniform(below: clip.count)
            for i in 0..<count {
                mix[i] += clip[position] * scale
                position += 1
                if position == clip.count { position = 0 }
            }
        }
        return normalized(mix)
    }

    /// Root-mean-square level of `signal` (0 for an empty one).
    public static func rms(_ signal: [Float]) -> Double {
        guard !signal.isEmpty else { return 0 }
        var sum = 0.0
        for x in signal { sum += Double(x) * Double(x) }
        return (sum / Double(signal.count)).squareRoot()
    }

    static func normalized(_ signal: [Float]) -> [Float] {
        let level = rms(signal)
        guard level > 0 else { return signal }
        let scale = Float(1 / level)
        return signal.map { $0 * scale }
    }
}
