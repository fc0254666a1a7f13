import Features
import Foundation

/// Voice over IP with silence suppression (DTX): the sender stops sending in pauses and the recording
/// holds exact digital zeros there, with the line's noise only around the talk spurts. Scores the
/// detector on the evaluation's speech tracks (same seeds) gated that way, against the same tracks
/// ungated, and the recall of the utterances that follow 1.6 s or more of zeros (the floor's memory).
enum SilenceSuppression {
    /// Noise kept around each utterance, 10 ms frames: a sender's VAD opens a little early and
    /// hangs over after the talk spurt.
    static let leadFrames = 5, hangoverFrames = 20
    /// Zero gaps at least this long (frames) count as "long" for the recall after them.
    static let longGapFrames = 160

    /// The track with every sample outside `[start − lead, end + hangover)` of its spans set to 0; and
    /// for each span, the length of the zero run just before it (frames, 0 if none).
    static func gated(_ track: Track) -> (samples: [Float], zeroRunBefore: [Int]) {
        var keep = [Bool](repeating: false, count: track.samples.count)
        for span in track.spans {
            let start = max(0, (span.start - leadFrames) * 160), end = min(keep.count, (span.end + hangoverFrames) * 160)
            if start < end { for i in start..<end { keep[i] = true } }
        }
        let samples = zip(track.samples, keep).map { $1 ? $0 : 0 }
        var runs: [Int] = []
        var previousEnd = 0
        for span in track.spans {
            let start = max(0, span.start - leadFrames)
            runs.append(max(0, start - previousEnd))
            previousEnd = span.end + hangoverFrames
        }
        return (samples, runs)
    }

    static func run(corpus: Corpus, split: CorpusSplit, tracksPerCondition: Int, configuration: SpeechDetectorConfiguration) {
        let (targets, babble) = Conditions.pools(corpus, split: split)
        let base = Conditions.seedBase(split)
        print("split: \(split.rawValue) speakers; speech tracks with the noise gated to digital zeros outside each utterance (\(leadFrames * 10) ms before, \(hangoverFrames * 10) ms after); priming \(configuration.primingSamples) samples")
        print("\n| noise | SNR dB | F1 / P / R as recorded | F1 / P / R silence-suppressed | recall of utterances after >= \(longGapFrames / 100).\(longGapFrames % 100 / 10) s of zeros (n) |")
        print("|---|---:|---|---|---:|")
        for (k, kind) in NoiseKind.allCases.enumerated() {
            for (s, snr) in Conditions.snrs.enumerated() where snr >= 5 {
                var plain = Counts(), gatedCounts = Counts(), afterLongGap = Counts(), longGaps = 0
                for r in 0..<tracksPerCondition {
                    // The seeds of `Evaluation`: the same tracks, before and after gating.
                    let seed = base + UInt64(1000 * k + 100 * s + r)
                    let track = Mixtures.speechTrack(noise: kind, snr: snr, pool: targets, babble: babble,
                                                     seconds: Conditions.trackSeconds, seed: seed)
                    plain.add(decisions: SpeechDetector.detect(track.samples, configuration: configuration), reference: track.reference)
                    let (samples, runs) = gated(track)
                    let decisions = SpeechDetector.detect(samples, configuration: configuration)
                    gatedCounts.add(decisions: decisions, reference: track.reference)
                    for (span, run) in zip(track.spans, runs) where run >= longGapFrames {
                        let end = min(span.end, track.reference.count)
                        afterLongGap.add(decisions: Array(decisions[span.start..<end]), reference: Array(track.reference[span.start..<end]))
                        longGaps += 1
                    }
                }
                print("| \(kind.rawValue) | \(Int(snr)) | \(row(plain)) | \(row(gatedCounts)) | \(String(format: "%.3f", afterLongGap.recall)) (\(longGaps)) |")
            }
        }
    }

    static func row(_ c: Counts) -> String { String(format: "%.3f / %.3f / %.3f", c.f1, c.precision, c.recall) }
}
