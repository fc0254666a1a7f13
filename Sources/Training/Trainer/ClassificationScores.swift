/// Accuracy figures of a set of predictions: the ones the trainer needs for early stopping and its
/// report (the full metric set, with F1, ECE and HTML, is the evaluation module's).
public struct ClassificationScores: Codable, Sendable, Equatable {
    /// `confusion[true][predicted]` counts.
    public var confusion: [[Int]]

    public init(classes: Int) { confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes) }

    public init(labels: [Int], predictions: [Int], classes: Int) {
        self.init(classes: classes)
        for (l, p) in zip(labels, predictions) { confusion[l][p] += 1 }
    }

    public mutating func add(_ other: ClassificationScores) {
        for i in confusion.indices { for j in confusion.indices { confusion[i][j] += other.confusion[i][j] } }
    }

    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Weighted accuracy: fraction of examples classified correctly.
    public var weightedAccuracy: Double {
        let correct = confusion.indices.reduce(0) { $0 + confusion[$1][$1] }
        return count > 0 ? Double(correct) / Double(count) : 0
    }

    /// Unweighted accuracy: mean recall over the classes present (a class no example has is left out,
    /// e.g. `surprise` in EMO-DB).
    public var unweightedAccuracy: Double {
        let recalls = confusion.indices.compactMap { c -> Double? in
            let total = confusion[c].reduce(0, +)
            return total > 0 ? Double(confusion[c][c]) / Double(total) : nil
        }
        return recalls.isEmpty ? 0 : recalls.reduce(0, +) / Double(recalls.count)
    }

    /// Recall per class (nil where the class has no example).
    public var recalls: [Double?] {
        confusion.indices.map { c in
            let total = confusion[c].reduce(0, +)
            return total > 0 ? Double(confusion[c][c]) / Double(total) : nil
        }
    }
}
