import Foundation

/// How calibrated one held-out corpus's probabilities would be at a range of temperature factors:
/// the probabilities (already at the model's fitted temperature `T`) rescaled to `T · factor`,
/// renormalised over the corpus's own classes, and scored (NLL in nats, ECE over 15 bins).
///
/// A model is fitted on validation speakers of its training corpora, so on a corpus it never heard
/// it is overconfident; the scans of every held-out corpus let `UnseenCorpusCalibration` choose one
/// factor for audio from anywhere else without looking at the corpus it is judged on.
public struct TemperatureScan: Codable, Sendable, Equatable {
    /// Temperature factors, ascending.
    public var factors: [Double]
    /// Mean negative log-likelihood (nats) at each factor, restricted argmax.
    public var negativeLogLikelihood: [Double]
    /// Expected calibration error at each factor, restricted argmax.
    public var expectedCalibrationError: [Double]

    /// The factors scanned: 2^(k/8) for k = −4…32, i.e. 0.71 to 16 in steps of 9 %.
    public static let standardFactors: [Double] = (-4...32).map { pow(2, Double($0) / 8) }

    /// A scan from its figures (same length as `factors`, which ascend).
    public init(factors: [Double], negativeLogLikelihood: [Double], expectedCalibrationError: [Double]) {
        precondition(factors.count == negativeLogLikelihood.count && factors.count == expectedCalibrationError.count,
                     "one NLL and one ECE per factor")
        self.factors = factors
        self.negativeLogLikelihood = negativeLogLikelihood
        self.expectedCalibrationError = expectedCalibrationError
    }

    /// Scans `probabilities` (over `labels`, one vector per utterance) against `truth` (indices into
    /// `labels`), each rescaled by every factor and scored over `classes` (indices into `labels`).
    public init(labels: [String], classes: [Int], truth: [Int], probabilities: [[Float]],
                factors: [Double] = TemperatureScan.standardFactors) {
        precondition(!factors.isEmpty && zip(factors, factors.dropFirst()).allSatisfy { $0 < $1 }, "factors must ascend")
        self.factors = factors
        var nll: [Double] = [], ece: [Double] = []
        for factor in factors {
            let scaled = probabilities.map { TemperatureScaling.apply(factor, toProbabilities: $0) }
            let metrics = SubsetMetrics(labels: labels, classes: classes, truth: truth, probabilities: scaled).restrictedArgmax
            nll.append(metrics.negativeLogLikelihood)
            ece.append(metrics.expectedCalibrationError)
        }
        negativeLogLikelihood = nll
        expectedCalibrationError = ece
    }

    /// The scanned point nearest `factor` (on a log scale).
    public func index(nearest factor: Double) -> Int {
        factors.indices.min { abs(log(factors[$0] / factor)) < abs(log(factors[$1] / factor)) }!
    }
}
