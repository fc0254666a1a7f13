import Features
import Foundation

/// The five-second non-speech clips of the file-level check (`Evaluation.clips`, same seeds) that the
/// service would accept (0.25 s of speech or more): for each, the frames called speech with their
/// log-odds, total SNR (dB), tonality, steadiness and relative level (dB). For looking at why a tone
/// or music clip passes.
enum ClipTrace {
    static func run(split: CorpusSplit, configuration: SpeechDetectorConfiguration) {
        let base = Conditions.seedBase(split)
        let model = SpeechDetectorModel.standard
        typealias F = SpeechFeatureExtractor.Feature
        for (k, kind) in NonSpeechKind.allCases.enumerated() {
            for r in 0..<20 {
                let clip = Mixtures.nonSpeechTrack(kind, seconds: 5, seed: base + 80_000 + UInt64(100 * k + r))
                let decisions = SpeechDetector.detect(clip.samples, configuration: configuration)
                let speech = decisions.filter { $0 }.count
                guard speech >= 25 else { continue }
                let rows = featureRows(clip.samples, configuration: configuration)
                print("\(kind.rawValue) clip \(r): \(speech) frames called speech")
                for (t, d) in decisions.enumerated() where d {
                    let f = rows[t]
                    let logit = f.withUnsafeBufferPointer { model.logit($0) }
                    print(String(format: "  %4d logit %6.2f snr %5.1f tonal %.3f steady %.3f rel %5.1f harm %.2f", t, logit,
                                 f[F.totalSNR.rawValue] * 10, f[F.tonality.rawValue], f[F.steadiness.rawValue],
                                 f[F.relativeLevel.rawValue] * 10, f[F.harmonicity.rawValue]))
                }
            }
        }
    }

    /// Per reference-speech frame of a refused clip: log-odds, SNR over the floor, relative level,
    /// harmonicity, and whether it would be raw speech and a seed.
    static func explain(_ samples: [Float], reference: [Bool], configuration: SpeechDetectorConfiguration) {
        typealias F = SpeechFeatureExtractor.Feature
        let rows = featureRows(samples, configuration: configuration)
        for (t, on) in reference.enumerated() where on && t < rows.count && t % 3 == 0 {
            let f = rows[t]
            let logit = f.withUnsafeBufferPointer { SpeechDetectorModel.standard.logit($0) }
            log(String(format: "  %4d logit %6.2f snr %5.1f rel %6.1f harm %.2f tonal %.2f", t, logit, f[F.totalSNR.rawValue] * 10,
                       f[F.relativeLevel.rawValue] * 10, f[F.harmonicity.rawValue], f[F.tonality.rawValue]))
        }
    }

    /// Every frame's feature vector of `samples`, primed as the detector primes.
    static func featureRows(_ samples: [Float], configuration: SpeechDetectorConfiguration) -> [[Float]] {
        let extractor = SpeechFeatureExtractor(primingSamples: configuration.primingSamples)
        var rows: [[Float]] = []
        samples.withUnsafeBufferPointer { extractor.push($0) { _, f in rows.append(Array(f)) } }
        extractor.finish { _, f in rows.append(Array(f)) }
        return rows
    }
}
