import AudioDecoding
import Foundation

/// One corpus utterance, decoded to 16 kHz, with its reference speech frames.
struct Utterance {
    let path: String
    let corpus: String
    let speaker: String
    let samples: [Float]
    /// Speech per 10 ms frame (frame t centred on sample 160 t), see `ReferenceLabels`.
    let speech: [Bool]
}

/// The shared corpora split by speaker: tuning speakers (for design and training) and held-out
/// speakers (for the reported table only).
enum CorpusSplit: String {
    case tune, test

    /// RAVDESS actors 01-10 / 11-20, EMO-DB 03 08 09 10 / 11 12 13 14, TESS OAF / YAF,
    /// nEMO EB0 IC0 KD0 / KS0 SM0 TP0 WR0.
    func contains(speaker: String) -> Bool {
        let tuning: Set<String> = Set((1...10).map { String(format: "ravdess_%02d", $0) })
            .union(["emodb_03", "emodb_08", "emodb_09", "emodb_10", "tess_OAF", "nemo_EB0", "nemo_IC0", "nemo_KD0"])
        return (self == .tune) == tuning.contains(speaker)
    }
}

struct Corpus {
    let directory: URL
    /// (path, corpus, speaker) rows of manifest.csv.
    let rows: [(path: String, corpus: String, speaker: String)]

    init?(directory: URL) {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("manifest.csv"), encoding: .utf8) else { return nil }
        self.directory = directory
        rows = text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return f.count >= 4 ? (f[0], f[1], f[3]) : nil
        }
    }

    /// `count` utterances of `split`, drawn evenly over the four corpora (seeded).
    func sample(_ count: Int, split: CorpusSplit, seed: UInt64) -> [Utterance] {
        var random = SeededRandom(seed: seed)
        let corpora = ["ravdess", "emodb", "tess", "nemo"]
        let pools = corpora.map { c in rows.filter { $0.corpus == c && split.contains(speaker: $0.speaker) } }
        var result: [Utterance] = []
        var i = 0
        while result.count < count {
            let pool = pools[i % pools.count]
            i += 1
            let row = pool[Int(random.next() % UInt64(pool.count))]
            if let u = load(row) { result.append(u) }
        }
        return result
    }

    func load(_ row: (path: String, corpus: String, speaker: String)) -> Utterance? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(row.path).path),
              let audio = try? AudioDecoder().decode([UInt8](data), resamplingTo: 16_000) else { return nil }
        let samples = audio.mixdown()
        return Utterance(path: row.path, corpus: row.corpus, speaker: row.speaker, samples: samples,
                         speech: ReferenceLabels.speech(samples))
    }
}
