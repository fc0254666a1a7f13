/// The utterances of a run split into the training pool and, for leave-one-corpus-out, the held-out
/// corpus: indices into the `FeatureStore`, and speaker lookups that only ever see the pool, so no
/// held-out speaker can land in a fold, a validation group or the final model's training set.
struct RunData {
    let store: FeatureStore
    /// The held-out corpus (`TrainingConfig.heldOutCorpus`), nil when every corpus trains.
    let heldOutCorpus: String?
    /// Store indices of the training pool (every corpus but the held-out one), ascending.
    let poolIndices: [Int]
    /// Store indices of the held-out corpus, ascending (empty without one).
    let heldOutIndices: [Int]
    /// Pool utterances (what folds and validation groups are drawn from).
    let pool: [Utterance]
    private let indexBySpeaker: [String: [Int]]

    init(store: FeatureStore, heldOutCorpus: String?) throws(TrainingError) {
        self.store = store
        self.heldOutCorpus = heldOutCorpus
        let all = store.utterances.indices
        poolIndices = all.filter { store.utterances[$0].corpus != heldOutCorpus }
        heldOutIndices = heldOutCorpus == nil ? [] : all.filter { store.utterances[$0].corpus == heldOutCorpus }
        pool = poolIndices.map { store.utterances[$0] }
        indexBySpeaker = Dictionary(grouping: poolIndices, by: { store.utterances[$0].speaker })
        if let heldOutCorpus {
            let corpora = Set(store.utterances.map(\.corpus)).sorted()
            guard !heldOutIndices.isEmpty else {
                throw .invalidConfiguration("held_out_corpus '\(heldOutCorpus)' has no labelled files (corpora: \(corpora))")
            }
            guard !poolIndices.isEmpty else { throw .invalidConfiguration("held_out_corpus '\(heldOutCorpus)' leaves nothing to train on") }
        }
    }

    /// Store indices of the pool utterances of `speakers`, ascending.
    func indices(_ speakers: [String]) -> [Int] {
        speakers.flatMap { indexBySpeaker[$0] ?? [] }.sorted()
    }
}
