import Features
import Foundation

/// Where the detector's errors are, for one noise and SNR of the tuning split: false negatives and
/// false positives inside each corpus's utterances, and false positives between utterances split by
/// their distance to the nearest reference speech frame.
enum Diagnosis {
    static func run(corpus: Corpus, noise: NoiseKind, snr: Double, configuration: SpeechDetectorConfiguration) {
        let (targets, babble) = Conditions.pools(corpus, split: .tune)
        var inside: [String: Counts] = [:]
        var outside = [Int](repeating: 0, count: 4), outsideTotal = 0
        for r in 0..<3 {
            let track = Mixtures.speechTrack(noise: noise, snr: snr, pool: targets, babble: babble, seconds: 40, seed: 777 + UInt64(r))
            let d = SpeechDetector.detect(track.samples, configuration: configuration)
            var covered = [Bool](repeating: false, count: d.count)
            for span in track.spans {
                var c = inside[span.corpus] ?? Counts()
                let end = min(span.end, d.count)
                c.add(decisions: Array(d[span.start..<end]), reference: Array(track.reference[span.start..<end]))
                inside[span.corpus] = c
                for t in span.start..<end { covered[t] = true }
            }
            let speechFrames = track.reference.indices.filter { track.reference[$0] }
            for t in d.indices where !covered[t] {
                outsideTotal += 1
                guard d[t] else { continue }
                let distance = speechFrames.map { abs($0 - t) }.min() ?? 10_000
                outside[distance <= 10 ? 0 : distance <= 30 ? 1 : distance <= 100 ? 2 : 3] += 1
            }
        }
        for (name, c) in inside.sorted(by: { $0.key < $1.key }) {
            print(String(format: "%@: F1 %.3f P %.3f R %.3f  (tp %d fp %d fn %d tn %d)", name, c.f1, c.precision, c.recall,
                         c.truePositive, c.falsePositive, c.falseNegative, c.trueNegative))
        }
        print("between utterances: \(outsideTotal) frames; called speech at distance <=10: \(outside[0]), <=30: \(outside[1]), <=100: \(outside[2]), farther: \(outside[3])")
    }
}
