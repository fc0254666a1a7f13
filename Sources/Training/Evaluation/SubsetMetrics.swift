/// Scores of an evaluation whose true classes are a subset of the model's labels: a corpus that has
/// no disgust (nEMO) or no surprise (EMO-DB) scored by a 7-class model.
///
/// Two readings, both reported for leave-one-corpus-out:
/// - **full argmax**: the model's top-1 over all labels, so predicting a class the corpus lacks is an
///   error; UA is the mean recall over the subset's classes (those with support);
/// - **restricted argmax**: probabilities renormalised over the subset (`p_k / Σ_{j∈S} p_j`), so the
///   top-1 is among the corpus's classes, as if the deployment knew the label set; UA, WA, NLL and
///   confusion (`|S|×|S|`) over the subset.
public struct SubsetMetrics: Codable, Sendable, Equatable {
    /// The subset's labels, in the model's label order.
    public var classes: [String]
    /// UA over the subset's classes with the full argmax.
    public var unweightedAverageRecall: Double
    /// WA with the full argmax.
    public var accuracy: Double
    /// Every metric with the full argmax (all labels; rows of classes outside the subset are 0).
    public var fullArgmax: ClassificationMetrics
    /// Every metric with the argmax restricted to the subset (labels = `classes`).
    public var restrictedArgmax: ClassificationMetrics

    /// Scores `probabilities` (over `labels`) against `truth` (indices into `labels`, each in `classes`).
    /// - Parameter classes: indices into `labels` of the subset.
    public init(labels: [String], classes: [Int], truth: [Int], probabilities: [[Float]]) {
        let subset = Array(Set(classes)).sorted()
        let position = Dictionary(uniqueKeysWithValues: subset.enumerated().map { ($1, $0) })
        precondition(truth.allSatisfy { position[$0] != nil }, "every true class must be in the subset")
        self.classes = subset.map { labels[$0] }
        let full = ClassificationMetrics(labels: labels, truth: truth, probabilities: probabilities)
        fullArgmax = full
        let scored = subset.map { full.perClass[$0] }.filter { $0.support > 0 }
        unweightedAverageRecall = scored.isEmpty ? 0 : scored.map(\.recall).reduce(0, +) / Double(scored.count)
        accuracy = full.accuracy
        let renormalised = probabilities.map { p in
            let kept = subset.map { p[$0] }
            let total = kept.reduce(0, +)
            return total > 0 ? kept.map { $0 / total } : kept.map { _ in 1 / Float(kept.count) }
        }
        restrictedArgmax = ClassificationMetrics(labels: subset.map { labels[$0] }, truth: truth.map { position[$0]! },
                                                 probabilities: renormalised)
    }

    /// The pooled predictions broken down by corpus: each corpus scored over the classes it has.
    /// - Parameters:
    ///   - corpora: the corpus of each prediction.
    ///   - corpusClasses: which classes each corpus has.
    public static func byCorpus(labels: [String], corpora: [String], truth: [Int], probabilities: [[Float]],
                                corpusClasses: CorpusClasses) -> [String: SubsetMetrics] {
        precondition(corpora.count == truth.count && truth.count == probabilities.count, "one corpus per prediction")
        let rows = Dictionary(grouping: corpora.indices, by: { corpora[$0] })
        return rows.mapValues { indices in
            let corpus = corpora[indices[0]]
            let truthHere = indices.map { truth[$0] }
            // The corpus's classes, and any class its evaluated utterances carry beyond them.
            return SubsetMetrics(labels: labels, classes: corpusClasses.indices(of: corpus) + truthHere, truth: truthHere,
                                 probabilities: indices.map { probabilities[$0] })
        }
    }
}
