import Features
import Foundation

/// Builds the tuning split's tracks (every noise at 30, 20, 10, 5 and 0 dB, the last weighted 0.3, and the
/// non-speech tracks, weighted 4),
/// extracts features and fits the perceptron; writes `SpeechDetectorWeights.swift`.
enum Training {
    static func run(corpus: Corpus, output: String, epochs: Int) {
        let (targets, babble) = Conditions.pools(corpus, split: .tune)
        let base = Conditions.seedBase(.tune) + 500_000
        var set = TrainingSet()
        for (k, kind) in NoiseKind.allCases.enumerated() {
            for (s, snr) in ([30] + Conditions.snrs).enumerated() {
                for r in 0..<3 {
                    // 0 dB counts less: the targets stop at 5 dB, and below it babble is the louder talker.
                    set.add(Mixtures.speechTrack(noise: kind, snr: snr, pool: targets, babble: babble, seconds: 40,
                                                 seed: base + UInt64(1000 * k + 100 * s + r)), weight: snr < 5 ? 0.3 : 1)
                }
            }
        }
        let speechFrames = set.count
        for (k, kind) in NonSpeechKind.allCases.enumerated() {
            for r in 0..<(kind == .music ? 12 : 6) {  // music varies most (key, tempo, melody or not)
                set.add(Mixtures.nonSpeechTrack(kind, seconds: 60, seed: base + 50_000 + UInt64(100 * k + r)), weight: 4)
            }
        }
        FileHandle.standardError.write(Data("training on \(set.count) frames (\(speechFrames) from speech tracks)\n".utf8))
        let model = Trainer.fit(set, epochs: epochs, seed: 7)
        let note = "Trained on \(set.count) frames of the tuning speakers' mixtures and non-speech tracks (\(epochs) epochs, seed 7)."
        try? Trainer.swiftSource(model, note: note).write(toFile: output, atomically: true, encoding: .utf8)
    }
}
