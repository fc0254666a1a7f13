/// The evaluation grid and the seeds that make each split's tracks different.
enum Conditions {
    static let snrs: [Double] = [20, 10, 5, 0]
    static let trackSeconds = 40.0, nonSpeechSeconds = 60.0
    /// Seed base per split: the tuning and held-out tracks share no seed (noise, placement, tones, music).
    static func seedBase(_ split: CorpusSplit) -> UInt64 { split == .tune ? 1_000 : 9_000_000 }

    /// Utterance pools of a split: targets, and the babble talkers (drawn separately).
    static func pools(_ corpus: Corpus, split: CorpusSplit) -> (targets: [Utterance], babble: [Utterance]) {
        let base = seedBase(split)
        return (corpus.sample(160, split: split, seed: base + 1), corpus.sample(80, split: split, seed: base + 2))
    }
}
