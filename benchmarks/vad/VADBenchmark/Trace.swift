import Features
import Foundation

/// Prints the frames the detector calls speech, with their features and log-odds, for 8 s of white
/// noise (seed `seed`), of pink noise (`pink`), or 14 s of ringback over digital silence (`tone`): for
/// looking at false alarms.
enum Trace {
    static func run(seed: UInt64, pink: Bool, tone: Bool, configuration: SpeechDetectorConfiguration) {
        var random = SeededRandom(seed: seed)
        let x = tone ? (0..<224_000).map { $0 % 96_000 < 32_000 ? NonSpeech.tone([440, 480], at: $0) * 0.2 : 0 } : pink ? Noises.normalised(Noises.pink(count: 128_000, random: &random), power: 1e-4) : (0..<128_000).map { _ in Float(0.01 * random.gaussian()) }
        let decisions = SpeechDetector.detect(x, configuration: configuration)
        let extractor = SpeechFeatureExtractor()
        var rows: [[Float]] = []
        x.withUnsafeBufferPointer { extractor.push($0) { _, f in rows.append(Array(f)) } }
        extractor.finish { _, f in rows.append(Array(f)) }
        let model = SpeechDetectorModel.standard
        for (t, d) in decisions.enumerated() where d {
            let logit = rows[t].withUnsafeBufferPointer { model.logit($0) }
            print(t, String(format: "%.2f", logit), rows[t].map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
    }
}
