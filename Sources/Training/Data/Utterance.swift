/// One labelled recording of a training or evaluation corpus.
///
/// Readers fill every field from the corpus's own file naming (or a manifest); `mappedLabel` is the
/// model label the `LabelMap` assigns, nil when the map drops the corpus label (e.g. EMO-DB boredom
/// for the call-centre label set), so such utterances are kept visible but never trained on.
public struct Utterance: Codable, Sendable, Equatable, Hashable {
    /// Absolute (or manifest-resolved) path of the audio file.
    public var path: String
    /// Corpus name, lower case (`ravdess`, `emodb`, `tess`, `cremad`, `savee`, or a manifest's value).
    public var corpus: String
    /// The label as the corpus names it (`fearful`, `anger`, `ps`, ...).
    public var originalLabel: String
    /// The model label after the label map, or nil when the map drops this label.
    public var mappedLabel: String?
    /// Speaker id namespaced by corpus (`ravdess_01`, `emodb_03`, `cremad_1001`) so corpora never collide.
    public var speaker: String
    /// `male` / `female` when the corpus says so.
    public var gender: String?
    /// Duration in seconds when known without decoding (e.g. from a manifest).
    public var durationSeconds: Double?

    public init(path: String, corpus: String, originalLabel: String, mappedLabel: String?, speaker: String,
                gender: String? = nil, durationSeconds: Double? = nil) {
        self.path = path
        self.corpus = corpus
        self.originalLabel = originalLabel
        self.mappedLabel = mappedLabel
        self.speaker = speaker
        self.gender = gender
        self.durationSeconds = durationSeconds
    }
}

extension Array where Element == Utterance {
    /// Only the utterances the label map keeps (those with a `mappedLabel`).
    public var labelled: [Utterance] { filter { $0.mappedLabel != nil } }

    /// Distinct speakers, sorted.
    public var speakers: [String] { Set(map(\.speaker)).sorted() }

    /// Only the utterances of `speakers`.
    public func spoken(by speakers: some Sequence<String>) -> [Utterance] {
        let set = Set(speakers)
        return filter { set.contains($0.speaker) }
    }
}
