import Foundation

/// A test signal and its exact reference (speech per 10 ms frame).
struct Track {
    let name: String
    let samples: [Float]
    let reference: [Bool]
    /// Frames of each placed utterance (start, end exclusive) and its corpus.
    var spans: [(start: Int, end: Int, corpus: String)] = []
}

enum Mixtures {
    /// `seconds` of `noise` with utterances placed at known times (starts on 10 ms boundaries, 0.4-3 s
    /// apart), each at an active level of −32 to −18 dBFS; the noise is scaled so that the speech's
    /// active power (over its reference frames, all utterances together) is `snr` dB above the noise's
    /// mean power.
    static func speechTrack(noise kind: NoiseKind, snr: Double, pool: [Utterance], babble: [Utterance],
                            seconds: Double, seed: UInt64) -> Track {
        var random = SeededRandom(seed: seed)
        let n = Int(seconds * 16_000)
        var speech = [Float](repeating: 0, count: n)
        var reference = [Bool](repeating: false, count: 1 + n / 160)
        var frame = Int(random.uniform(0.3, 2) * 100)
        var spans: [(start: Int, end: Int, corpus: String)] = []
        while true {
            let u = pool[Int(random.next() % UInt64(pool.count))]
            guard frame * 160 + u.samples.count < n else { break }
            let gain = Float((pow(10, random.uniform(-32, -18) / 10) / meanPower(u.samples, mask: u.speech)).squareRoot())
            for i in u.samples.indices { speech[frame * 160 + i] += u.samples[i] * gain }
            for (t, on) in u.speech.enumerated() where on && frame + t < reference.count { reference[frame + t] = true }
            spans.append((frame, frame + u.samples.count / 160 + 1, u.corpus))
            frame += u.samples.count / 160 + Int(random.uniform(0.4, 3) * 100)
        }
        let noisePower = meanPower(speech, mask: reference) / pow(10, snr / 10)
        let noise = Noises.normalised(Noises.make(kind, count: n, random: &random, babbleSources: babble), power: noisePower)
        let mixture = zip(speech, noise).map { $0 + $1 }
        return Track(name: "\(kind.rawValue) \(Int(snr)) dB", samples: mixture, reference: reference, spans: spans)
    }

    /// One utterance with 0.3-1 s of noise before and after, as a request to the service.
    static func clip(_ u: Utterance, noise kind: NoiseKind, snr: Double, babble: [Utterance], seed: UInt64) -> Track {
        var random = SeededRandom(seed: seed)
        let before = Int(random.uniform(0.3, 1) * 100), after = Int(random.uniform(0.3, 1) * 100)
        let n = (before + after) * 160 + u.samples.count
        var speech = [Float](repeating: 0, count: n)
        let gain = Float((pow(10, random.uniform(-32, -18) / 10) / meanPower(u.samples, mask: u.speech)).squareRoot())
        for i in u.samples.indices { speech[before * 160 + i] = u.samples[i] * gain }
        var reference = [Bool](repeating: false, count: 1 + n / 160)
        for (t, on) in u.speech.enumerated() where on && before + t < reference.count { reference[before + t] = true }
        let noisePower = meanPower(speech, mask: reference) / pow(10, snr / 10)
        let noise = Noises.normalised(Noises.make(kind, count: n, random: &random, babbleSources: babble), power: noisePower)
        return Track(name: u.path, samples: zip(speech, noise).map { $0 + $1 }, reference: reference)
    }

    static func nonSpeechTrack(_ kind: NonSpeechKind, seconds: Double, seed: UInt64) -> Track {
        var random = SeededRandom(seed: seed)
        let x = NonSpeech.make(kind, seconds: seconds, random: &random)
        return Track(name: kind.rawValue, samples: x, reference: [Bool](repeating: false, count: 1 + x.count / 160))
    }
}
