/// Predictions of one evaluation set (a fold's test speakers through one channel, a held-out corpus,
/// ...): the true class, the clip probabilities and the corpus of every scored utterance.
public struct ScoredSet: Sendable, Equatable {
    public var truth: [Int] = []
    /// One probability vector per utterance, in label order.
    public var probabilities: [[Float]] = []
    public var corpora: [String] = []

    public init() {}

    public mutating func append(truth: Int, probabilities: [Float], corpus: String) {
        self.truth.append(truth)
        self.probabilities.append(probabilities)
        corpora.append(corpus)
    }

    public mutating func append(contentsOf other: ScoredSet) {
        truth += other.truth
        probabilities += other.probabilities
        corpora += other.corpora
    }

    /// Metrics over every label.
    public func metrics(labels: [String]) -> ClassificationMetrics {
        ClassificationMetrics(labels: labels, truth: truth, probabilities: probabilities)
    }

    /// Each corpus scored over the classes it has (full and restricted argmax).
    public func byCorpus(labels: [String], corpusClasses: CorpusClasses) -> [String: SubsetMetrics] {
        SubsetMetrics.byCorpus(labels: labels, corpora: corpora, truth: truth, probabilities: probabilities,
                               corpusClasses: corpusClasses)
    }
}
