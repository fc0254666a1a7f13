import Foundation

/// Mean and spread of one metric across folds.
public struct MetricSummary: Codable, Sendable, Equatable {
    public var mean: Double
    /// Sample standard deviation (n − 1 denominator; 0 for a single fold).
    public var standardDeviation: Double
    /// The per-fold values, in fold order.
    public var values: [Double]

    public init(_ values: [Double]) {
        self.values = values
        let n = Double(values.count)
        mean = values.isEmpty ? 0 : values.reduce(0, +) / n
        let m = mean
        standardDeviation = values.count > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : 0
    }
}

/// K-fold aggregation: each metric's mean ± standard deviation across folds (the number to report),
/// plus the pooled confusion matrix (sum over folds: every utterance counted once when each speaker
/// is tested in exactly one fold).
public struct CrossValidationSummary: Codable, Sendable, Equatable {
    public var labels: [String]
    public var folds: Int
    public var accuracy: MetricSummary
    public var unweightedAverageRecall: MetricSummary
    public var macroF1: MetricSummary
    public var negativeLogLikelihood: MetricSummary
    public var expectedCalibrationError: MetricSummary
    /// Per-class recall across folds, in label order.
    public var recall: [MetricSummary]
    /// Sum of the folds' confusion matrices (rows = true class).
    public var pooledConfusion: [[Int]]

    public init(_ folds: [ClassificationMetrics]) {
        precondition(!folds.isEmpty, "no folds to aggregate")
        let labels = folds[0].labels
        precondition(folds.allSatisfy { $0.labels == labels }, "folds must share the label set")
        self.labels = labels
        self.folds = folds.count
        accuracy = MetricSummary(folds.map(\.accuracy))
        unweightedAverageRecall = MetricSummary(folds.map(\.unweightedAverageRecall))
        macroF1 = MetricSummary(folds.map(\.macroF1))
        negativeLogLikelihood = MetricSummary(folds.map(\.negativeLogLikelihood))
        expectedCalibrationError = MetricSummary(folds.map(\.expectedCalibrationError))
        recall = labels.indices.map { c in MetricSummary(folds.map { $0.perClass[c].recall }) }
        var pooled = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        for fold in folds {
            for r in labels.indices { for c in labels.indices { pooled[r][c] += fold.confusion[r][c] } }
        }
        pooledConfusion = pooled
    }
}
