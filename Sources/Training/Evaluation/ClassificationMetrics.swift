import Foundation

/// Per-class scores.
public struct ClassMetrics: Codable, Sendable, Equatable {
    public var label: String
    /// Of the utterances predicted as this class, the fraction that are (0 when none is predicted).
    public var precision: Double
    /// Of the utterances of this class, the fraction predicted as it (0 when support is 0).
    public var recall: Double
    /// Harmonic mean of precision and recall (0 when both are 0).
    public var f1: Double
    /// Number of utterances of this class.
    public var support: Int
}

/// Classification and calibration metrics of a set of predictions (one evaluation: a test split, a
/// fold, a corpus, the telephone condition...).
///
/// UA (unweighted average recall, "balanced accuracy") is the headline metric of speech emotion
/// recognition because corpora are unbalanced; WA is plain accuracy. Classes with no utterances in
/// the data (support 0) are left out of the UA and macro-F1 averages (as scikit-learn's
/// balanced accuracy does) but kept in the tables.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    /// Class names in index order.
    public var labels: [String]
    /// Number of predictions scored.
    public var count: Int
    /// WA: fraction of correct top-1 predictions.
    public var accuracy: Double
    /// UA: mean per-class recall over classes present in the data.
    public var unweightedAverageRecall: Double
    /// Mean per-class F1 over classes present in the data.
    public var macroF1: Double
    public var perClass: [ClassMetrics]
    /// `confusion[true][predicted]` counts (rows = true class).
    public var confusion: [[Int]]
    /// Mean negative log-likelihood of the true class, nats (probabilities floored at 1e-12).
    public var negativeLogLikelihood: Double
    /// Expected calibration error over `reliability` bins: Σ (n_b / N) · |accuracy_b − confidence_b|.
    public var expectedCalibrationError: Double
    /// The reliability diagram's bins (equal-width on top-1 confidence).
    public var reliability: [ReliabilityBin]

    /// Scores `probabilities[i]` (one vector per utterance, in `labels` order, summing to ~1) against
    /// true class `truth[i]`. Ties in the top-1 go to the lower index.
    public init(labels: [String], truth: [Int], probabilities: [[Float]], calibrationBins: Int = 15) {
        precondition(truth.count == probabilities.count, "one probability vector per true label")
        precondition(probabilities.allSatisfy { $0.count == labels.count }, "probability vectors must have one entry per label")
        precondition(truth.allSatisfy { labels.indices.contains($0) }, "true label index out of range")
        let k = labels.count, n = truth.count
        self.labels = labels
        count = n
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        var nll = 0.0
        var confidences: [Double] = [], correct: [Bool] = []
        for (y, p) in zip(truth, probabilities) {
            let predicted = Self.argmax(p)
            confusion[y][predicted] += 1
            nll -= log(max(Double(p[y]), 1e-12))
            confidences.append(Double(p[predicted]))
            correct.append(predicted == y)
        }
        self.confusion = confusion
        negativeLogLikelihood = n > 0 ? nll / Double(n) : 0
        accuracy = n > 0 ? Double(correct.filter { $0 }.count) / Double(n) : 0
        perClass = (0..<k).map { c in
            let support = confusion[c].reduce(0, +)
            let predicted = (0..<k).reduce(0) { $0 + confusion[$1][c] }
            let hits = confusion[c][c]
            let precision = predicted > 0 ? Double(hits) / Double(predicted) : 0
            let recall = support > 0 ? Double(hits) / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassMetrics(label: labels[c], precision: precision, recall: recall, f1: f1, support: support)
        }
        let present = perClass.filter { $0.support > 0 }
        unweightedAverageRecall = present.isEmpty ? 0 : present.map(\.recall).reduce(0, +) / Double(present.count)
        macroF1 = present.isEmpty ? 0 : present.map(\.f1).reduce(0, +) / Double(present.count)
        reliability = ReliabilityBin.bins(confidences: confidences, correct: correct, count: calibrationBins)
        expectedCalibrationError = ReliabilityBin.expectedCalibrationError(reliability)
    }

    /// Index of the largest value (first of ties).
    public static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
