import Foundation

/// Background noises of the speech mixtures, each returned at unit mean power.
enum NoiseKind: String, CaseIterable {
    case white, pink, babble, hum
}

enum Noises {
    static func make(_ kind: NoiseKind, count: Int, random: inout SeededRandom, babbleSources: [Utterance]) -> [Float] {
        let x: [Float]
        switch kind {
        case .white: x = white(count: count, random: &random)
        case .pink: x = pink(count: count, random: &random)
        case .babble: x = babble(count: count, sources: babbleSources, random: &random)
        case .hum: x = hum(count: count, random: &random)
        }
        return normalised(x)
    }

    static func normalised(_ x: [Float], power: Double = 1) -> [Float] {
        let gain = Float((power / max(1e-30, meanPower(x))).squareRoot())
        return x.map { $0 * gain }
    }

    static func white(count: Int, random: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in Float(random.gaussian()) }
    }

    /// Gaussian noise through Paul Kellet's pink filter (−3 dB/octave within 0.5 dB above 10 Hz).
    static func pink(count: Int, random: inout SeededRandom) -> [Float] {
        var b = [Double](repeating: 0, count: 7)
        return (0..<count).map { _ in
            let w = random.gaussian()
            b[0] = 0.99886 * b[0] + w * 0.0555179; b[1] = 0.99332 * b[1] + w * 0.0750759
            b[2] = 0.96900 * b[2] + w * 0.1538520; b[3] = 0.86650 * b[3] + w * 0.3104856
            b[4] = 0.55000 * b[4] + w * 0.5329522; b[5] = -0.7616 * b[5] - w * 0.0168980
            let y = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362
            b[6] = w * 0.115926
            return Float(y)
        }
    }

    /// Six talkers at once, each a chain of utterances (their silences trimmed to 100 ms) at the same
    /// active level: contact-centre floor babble.
    static func babble(count: Int, sources: [Utterance], random: inout SeededRandom) -> [Float] {
        var sum = [Float](repeating: 0, count: count)
        for _ in 0..<6 {
            var position = -Int(random.uniform(0, 32_000))
            while position < count {
                let u = sources[Int(random.next() % UInt64(sources.count))]
                guard let first = u.speech.firstIndex(of: true), let last = u.speech.lastIndex(of: true) else { continue }
                let a = max(0, first * 160 - 1600), b = min(u.samples.count, last * 160 + 1600)
                let gain = Float(1 / meanPower(u.samples, mask: u.speech).squareRoot())
                for i in a..<b where position + i - a >= 0 && position + i - a < count { sum[position + i - a] += u.samples[i] * gain }
                position += b - a
            }
        }
        return sum
    }

    /// Mains hum: 50 or 60 Hz and harmonics to 2 kHz (amplitude ∝ k^−0.8, random phases, odd
    /// harmonics boosted as from a saturated transformer), slowly wandering ±1 dB, plus white noise 45 dB
    /// down.
    static func hum(count: Int, random: inout SeededRandom) -> [Float] {
        let f0 = random.uniform(0, 1) < 0.5 ? 50.0 : 60.0
        let harmonics = Int(2000 / f0)
        let partials = (1...harmonics).map { k -> (Double, Double, Double) in
            (Double(k) * f0, pow(Double(k), -0.8) * (k % 2 == 1 ? 1.5 : 1), random.uniform(0, 2 * Double.pi))
        }
        let wanderRate = random.uniform(0.1, 0.3)
        var y = (0..<count).map { i -> Float in
            let t = Double(i) / 16_000
            var v = 0.0
            for (f, a, p) in partials { v += a * sin(2 * Double.pi * f * t + p) }
            return Float(v * (1 + 0.12 * sin(2 * Double.pi * wanderRate * t)))
        }
        let level = meanPower(y).squareRoot() * pow(10, -45.0 / 20)
        for i in y.indices { y[i] += Float(level * random.gaussian()) }
        return y
    }
}
