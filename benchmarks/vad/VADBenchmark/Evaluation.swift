import Features
import Foundation

/// Scores the detector (and the old rule) on one split: frame F1 / precision / recall per noise x SNR,
/// false alarms per non-speech type, and the service's file-level no_speech decisions.
struct Evaluation {
    let corpus: Corpus
    let split: CorpusSplit
    let tracksPerCondition: Int
    let configuration: SpeechDetectorConfiguration
    let includeOldRule: Bool

    func detectors() -> [(String, ([Float]) -> [Bool])] {
        var list: [(String, ([Float]) -> [Bool])] = [("new", { SpeechDetector.detect($0, configuration: configuration) })]
        if includeOldRule, let extractor = try? FeatureExtractor(config: FeatureConfig()) {
            list.append(("old", { extractor.voiceActivity($0) }))
        }
        return list
    }

    func run() {
        let (targets, babble) = Conditions.pools(corpus, split: split)
        let base = Conditions.seedBase(split), detectors = detectors()
        print("split: \(split.rawValue) speakers; threshold \(configuration.threshold), minimum run \(configuration.minimumRunFrames), preroll \(configuration.prerollFrames), hangover \(configuration.hangoverFrames), gap fill \(configuration.gapFillFrames) frames, priming \(configuration.primingSamples) samples")
        print("\n| noise | SNR dB | " + detectors.map { "\($0.0) F1 | \($0.0) P | \($0.0) R" }.joined(separator: " | ") + " |")
        print("|---|---:|" + String(repeating: "---:|", count: 3 * detectors.count))
        var bySNR: [Double: [Counts]] = [:]
        for (k, kind) in NoiseKind.allCases.enumerated() {
            for (s, snr) in Conditions.snrs.enumerated() {
                var counts = [Counts](repeating: Counts(), count: detectors.count)
                for r in 0..<tracksPerCondition {
                    let seed = base + UInt64(1000 * k + 100 * s + r)
                    let track = Mixtures.speechTrack(noise: kind, snr: snr, pool: targets, babble: babble,
                                                     seconds: Conditions.trackSeconds, seed: seed)
                    for (i, d) in detectors.enumerated() { counts[i].add(decisions: d.1(track.samples), reference: track.reference) }
                }
                bySNR[snr, default: [Counts](repeating: Counts(), count: detectors.count)] = zip(bySNR[snr] ?? counts.map { _ in Counts() }, counts).map { a, b in
                    Counts(truePositive: a.truePositive + b.truePositive, falsePositive: a.falsePositive + b.falsePositive,
                           falseNegative: a.falseNegative + b.falseNegative, trueNegative: a.trueNegative + b.trueNegative)
                }
                print("| \(kind.rawValue) | \(Int(snr)) | " + counts.map { row($0) }.joined(separator: " | ") + " |")
            }
        }
        for snr in Conditions.snrs { print("| all four | \(Int(snr)) | " + bySNR[snr]!.map { row($0) }.joined(separator: " | ") + " |") }
        nonSpeech(detectors: detectors, base: base)
        clips(targets: targets, babble: babble, detectors: detectors, base: base)
    }

    func row(_ c: Counts) -> String { String(format: "%.3f | %.3f | %.3f", c.f1, c.precision, c.recall) }

    func nonSpeech(detectors: [(String, ([Float]) -> [Bool])], base: UInt64) {
        print("\n| non-speech | seconds | " + detectors.map { "\($0.0) frames called speech" }.joined(separator: " | ") + " |")
        print("|---|---:|" + String(repeating: "---:|", count: detectors.count))
        var all = [Counts](repeating: Counts(), count: detectors.count)
        for (k, kind) in NonSpeechKind.allCases.enumerated() {
            var counts = [Counts](repeating: Counts(), count: detectors.count)
            for r in 0..<(tracksPerCondition + 1) {
                let track = Mixtures.nonSpeechTrack(kind, seconds: Conditions.nonSpeechSeconds, seed: base + 50_000 + UInt64(100 * k + r))
                for (i, d) in detectors.enumerated() {
                    let decisions = d.1(track.samples)
                    counts[i].add(decisions: decisions, reference: track.reference)
                    all[i].add(decisions: decisions, reference: track.reference)
                }
            }
            let seconds = Double(tracksPerCondition + 1) * Conditions.nonSpeechSeconds
            print("| \(kind.rawValue) | \(Int(seconds)) | " + counts.map { String(format: "%.2f%%", 100 * $0.falseAlarmRate) }.joined(separator: " | ") + " |")
        }
        print("| all | | " + all.map { String(format: "%.2f%%", 100 * $0.falseAlarmRate) }.joined(separator: " | ") + " |")
    }

    /// The service's rule: no_speech when under 0.25 s of speech is found. Single-utterance clips with
    /// at least 1 s of reference speech at 5 dB SNR (every noise), and 5 s non-speech clips.
    func clips(targets: [Utterance], babble: [Utterance], detectors: [(String, ([Float]) -> [Bool])], base: UInt64) {
        let long = targets.filter { $0.speech.filter { $0 }.count >= 100 }
        var refused = [Int](repeating: 0, count: detectors.count), total = 0
        for (k, kind) in NoiseKind.allCases.enumerated() {
            for (j, u) in long.prefix(40).enumerated() {
                let clip = Mixtures.clip(u, noise: kind, snr: 5, babble: babble, seed: base + 70_000 + UInt64(1000 * k + j))
                total += 1
                for (i, d) in detectors.enumerated() where speechSeconds(d.1(clip.samples)) < 0.25 {
                    refused[i] += 1
                    log("\(d.0) refuses \(u.path) in \(kind.rawValue) at 5 dB: \(Double(u.speech.filter { $0 }.count) / 100) s of reference speech, \(speechSeconds(d.1(clip.samples))) s found")
                    if d.0 == "new" { ClipTrace.explain(clip.samples, reference: clip.reference, configuration: configuration) }
                }
            }
        }
        var accepted = [Int](repeating: 0, count: detectors.count), nonSpeechTotal = 0
        var acceptedKinds = [[String]](repeating: [], count: detectors.count)
        for (k, kind) in NonSpeechKind.allCases.enumerated() {
            for r in 0..<20 {
                let clip = Mixtures.nonSpeechTrack(kind, seconds: 5, seed: base + 80_000 + UInt64(100 * k + r))
                nonSpeechTotal += 1
                for (i, d) in detectors.enumerated() where speechSeconds(d.1(clip.samples)) >= 0.25 {
                    accepted[i] += 1
                    acceptedKinds[i].append(kind.rawValue)
                }
            }
        }
        print("\n| file-level (no_speech below 0.25 s) | " + detectors.map(\.0).joined(separator: " | ") + " |")
        print("|---|" + String(repeating: "---:|", count: detectors.count))
        print("| speech clips (>= 1 s speech, 5 dB, \(total)) refused | " + refused.map { "\($0)" }.joined(separator: " | ") + " |")
        print("| non-speech clips (5 s, \(nonSpeechTotal)) accepted | " + zip(accepted, acceptedKinds).map { count, kinds in
            "\(count) (" + Dictionary(kinds.map { ($0, 1) }, uniquingKeysWith: +).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }.joined(separator: " | ") + " |")
    }
}
