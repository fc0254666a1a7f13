import Features
import Foundation

/// Writes the detector's features and decisions on a fixed set of signals to a file, so that two
/// builds can be compared frame by frame (`VADBenchmark dump FILE`, then `VADBenchmark compare A B`):
/// a change meant to keep the decisions (a faster kernel, a shared plan) must show none changed.
///
/// Per signal: the unprimed features of `SpeechFeatureExtractor` (float32), the unprimed decisions
/// and the primed decisions (the floor learnt from the opening 1.6 s, as the service runs it).
enum Dump {
    /// Name and samples of every signal: the cost signal, tuning-split mixtures of every noise at
    /// 10 and 0 dB, the non-speech kinds, and short clips (shorter than the priming opening).
    static func signals(corpus: Corpus?) -> [(String, [Float])] {
        var list: [(String, [Float])] = []
        list.append(("cost signal 20 s", Array(Cost.signal(seconds: 20))))
        if let corpus {
            let (targets, babble) = Conditions.pools(corpus, split: .tune)
            for (k, kind) in NoiseKind.allCases.enumerated() {
                for snr in [10.0, 0.0] {
                    let track = Mixtures.speechTrack(noise: kind, snr: snr, pool: targets, babble: babble, seconds: 20,
                                                     seed: 777_000 + UInt64(10 * k) + UInt64(snr))
                    list.append((track.name, track.samples))
                }
            }
            for (j, u) in targets.prefix(6).enumerated() {
                let clip = Mixtures.clip(u, noise: NoiseKind.allCases[j % NoiseKind.allCases.count], snr: 5, babble: babble,
                                         seed: 778_000 + UInt64(j))
                list.append(("clip \(j) \(clip.samples.count) samples", clip.samples))
            }
        }
        for (k, kind) in NonSpeechKind.allCases.enumerated() {
            let track = Mixtures.nonSpeechTrack(kind, seconds: 15, seed: 779_000 + UInt64(k))
            list.append((track.name, track.samples))
        }
        list.append(("silence then noise", [Float](repeating: 0, count: 20_000) + (0..<60_000).map { Float(0.01 * sin(Double($0) * 0.37)) }))
        list.append(("0.5 s", Array(Cost.signal(seconds: 0.5))))
        list.append(("empty", []))
        return list
    }

    static func run(corpus: Corpus?, output: String) {
        var data = Data()
        func write(_ values: [Float]) {
            var count = Int64(values.count)
            data.append(Data(bytes: &count, count: 8))
            values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        for (name, x) in signals(corpus: corpus) {
            let extractor = SpeechFeatureExtractor()
            var features: [Float] = []
            x.withUnsafeBufferPointer { extractor.push($0) { _, f in features += f } }
            extractor.finish { _, f in features += f }
            var unprimedConfiguration = SpeechDetectorConfiguration()
            unprimedConfiguration.primingSamples = 0
            let unprimed = SpeechDetector.detect(x, configuration: unprimedConfiguration)
            let primed = SpeechDetector.detect(x)
            write(Array(name.utf8).map(Float.init))
            write(features)
            write(unprimed.map { $0 ? 1 : 0 })
            write(primed.map { $0 ? 1 : 0 })
        }
        _ = FileManager.default.createFile(atPath: output, contents: data)
    }

    /// Prints, per signal, the largest feature difference and the decisions that differ.
    static func compare(_ a: String, _ b: String) {
        func read(_ path: String) -> [[Float]] {
            let data = FileManager.default.contents(atPath: path) ?? Data()
            var arrays: [[Float]] = [], offset = 0
            while offset + 8 <= data.count {
                let count = Int(data.subdata(in: offset..<(offset + 8)).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })
                offset += 8
                let values = data.subdata(in: offset..<(offset + 4 * count)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                offset += 4 * count
                arrays.append(values)
            }
            return arrays
        }
        let x = read(a), y = read(b)
        guard x.count == y.count else { print("different signal counts: \(x.count / 4) vs \(y.count / 4)"); return }
        var identical = true
        for i in stride(from: 0, to: x.count, by: 4) {
            let name = String(decoding: x[i].map { UInt8($0) }, as: UTF8.self)
            let largest = zip(x[i + 1], y[i + 1]).map { abs($0 - $1) }.max() ?? 0
            let bitwise = x[i + 1].count == y[i + 1].count && zip(x[i + 1], y[i + 1]).allSatisfy { $0.bitPattern == $1.bitPattern }
            let unprimed = zip(x[i + 2], y[i + 2]).filter { $0 != $1 }.count + abs(x[i + 2].count - y[i + 2].count)
            let primed = zip(x[i + 3], y[i + 3]).filter { $0 != $1 }.count + abs(x[i + 3].count - y[i + 3].count)
            identical = identical && bitwise && unprimed == 0 && primed == 0
            print(String(format: "%-32@ frames %5d  features %@ (largest difference %.3g)  decisions differing: unprimed %d, primed %d",
                         name as NSString, x[i + 2].count, bitwise ? "identical" : "differ   ", largest, unprimed, primed))
        }
        print(identical ? "all identical" : "DIFFERENCES")
    }
}
