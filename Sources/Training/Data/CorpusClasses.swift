/// The model classes each corpus has: a class absent from a corpus (nEMO has no disgust, EMO-DB no
/// surprise) is unknown for its utterances, never a negative example, and a corpus is scored over its
/// own classes.
///
/// Derived from the labelled utterances of a run: corpus `c` has class `k` when some utterance of `c`
/// maps to label `k`. A corpus not seen here is taken to have every class.
public struct CorpusClasses: Sendable, Equatable, Codable {
    /// Model labels in output order.
    public let labels: [String]
    /// Corpus → indices (into `labels`, ascending) of the classes it has.
    public let classes: [String: [Int]]

    public init(labels: [String], classes: [String: [Int]]) {
        self.labels = labels
        self.classes = classes.mapValues { Array(Set($0)).sorted() }
    }

    /// The classes of every corpus in `utterances` (dropped labels ignored).
    public init(_ utterances: [Utterance], labelMap: LabelMap) {
        var found: [String: Set<Int>] = [:]
        for utterance in utterances {
            guard let label = utterance.mappedLabel, let index = labelMap.index(of: label) else { continue }
            found[utterance.corpus, default: []].insert(index)
        }
        self.init(labels: labelMap.labels, classes: found.mapValues(Array.init))
    }

    /// Indices of the classes `corpus` has (every class for a corpus not seen).
    public func indices(of corpus: String) -> [Int] {
        classes[corpus] ?? Array(labels.indices)
    }

    /// `labels.count` flags, true for the classes `corpus` has.
    public func mask(of corpus: String) -> [Bool] {
        guard let present = classes[corpus] else { return [Bool](repeating: true, count: labels.count) }
        var mask = [Bool](repeating: false, count: labels.count)
        for k in present { mask[k] = true }
        return mask
    }

    /// Whether some corpus lacks some class (masking changes nothing otherwise).
    public var isComplete: Bool {
        classes.values.allSatisfy { $0.count == labels.count }
    }
}

extension Utterance {
    /// The classes this utterance may be: those its corpus has (`labels.count` flags).
    public func presentClasses(in corpusClasses: CorpusClasses) -> [Bool] {
        corpusClasses.mask(of: corpus)
    }
}
