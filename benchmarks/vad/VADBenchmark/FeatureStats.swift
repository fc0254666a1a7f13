import Features
import Foundation

/// Mean and spread of each feature on reference speech and non-speech frames of one noise and SNR
/// (tuning split), for judging a candidate feature.
enum FeatureStats {
    static func run(corpus: Corpus, noise: NoiseKind, snr: Double) {
        let (targets, babble) = Conditions.pools(corpus, split: .tune)
        let n = SpeechFeatureExtractor.featureCount
        var sums = [[Double]](repeating: [Double](repeating: 0, count: n), count: 2)
        var squares = sums, counts = [0, 0]
        var quantiles: [[[Float]]] = [[[Float]]](repeating: [[Float]](repeating: [], count: n), count: 2)
        for r in 0..<3 {
            let track = Mixtures.speechTrack(noise: noise, snr: snr, pool: targets, babble: babble, seconds: 40, seed: 777 + UInt64(r))
            let extractor = SpeechFeatureExtractor(primingSamples: 25_600)
            var rows: [[Float]] = []
            track.samples.withUnsafeBufferPointer { extractor.push($0) { _, f in rows.append(Array(f)) } }
            extractor.finish { _, f in rows.append(Array(f)) }
            for (row, speech) in zip(rows, track.reference) {
                let c = speech ? 1 : 0
                counts[c] += 1
                for i in 0..<n { sums[c][i] += Double(row[i]); squares[c][i] += Double(row[i] * row[i]); quantiles[c][i].append(row[i]) }
            }
        }
        for (i, f) in SpeechFeatureExtractor.Feature.allCases.enumerated() {
            let parts = (0..<2).map { c -> String in
                let mean = sums[c][i] / Double(counts[c]), sd = (squares[c][i] / Double(counts[c]) - mean * mean).squareRoot()
                let q = quantiles[c][i].sorted()
                return String(format: "%6.2f ±%5.2f [%5.2f %5.2f %5.2f]", mean, sd, q[q.count / 10], q[q.count / 2], q[9 * q.count / 10])
            }
            print(String(format: "%-20@ non-speech %@   speech %@", "\(f)" as NSString, parts[0], parts[1]))
        }
    }
}
