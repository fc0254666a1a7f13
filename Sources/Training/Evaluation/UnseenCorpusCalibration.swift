import Foundation
import Model

/// One temperature factor for audio from a corpus the model never heard, chosen on the
/// leave-one-corpus-out runs' held-out corpora, and what that choice is worth on a corpus the choice
/// never saw.
///
/// - `factor`: the scanned factor (`TemperatureScan.standardFactors`) that minimises the mean over
///   held-out corpora of their NLL (each corpus weighs the same). The exported model's temperature is
///   its own validation-fitted one times this factor.
/// - `crossFitted`: for each held-out corpus, the factor chosen the same way on the *other* corpora
///   only, and that corpus's ECE and NLL at it. Their mean ECE is the honest figure: the factor for
///   a corpus is never chosen on that corpus (a nested leave-one-corpus-out).
public struct UnseenCorpusCalibration: Codable, Sendable, Equatable {
    public struct Corpus: Codable, Sendable, Equatable {
        public var corpus: String
        /// The factor chosen on the other corpora.
        public var factor: Double
        /// ECE and NLL (restricted argmax, clean) at the validation temperature and at `factor`.
        public var expectedCalibrationErrorBefore: Double
        public var expectedCalibrationError: Double
        public var negativeLogLikelihoodBefore: Double
        public var negativeLogLikelihood: Double
    }

    public var factor: Double
    public var crossFitted: [Corpus]
    /// Mean over corpora of `crossFitted`'s ECE, before (validation temperature) and after.
    public var meanExpectedCalibrationErrorBefore: Double
    public var meanExpectedCalibrationError: Double

    /// From each held-out corpus's scan (same factors in every scan); nil with fewer than two corpora
    /// (a factor chosen on the other corpora needs another corpus).
    public init?(scans: [(corpus: String, scan: TemperatureScan)]) {
        guard scans.count >= 2, let factors = scans.first?.scan.factors,
              scans.allSatisfy({ $0.scan.factors == factors }) else { return nil }
        factor = factors[Self.bestIndex(scans.map(\.scan))]
        crossFitted = scans.indices.map { k in
            let others = scans.indices.filter { $0 != k }.map { scans[$0].scan }
            let chosen = Self.bestIndex(others), scan = scans[k].scan, one = scan.index(nearest: 1)
            return Corpus(corpus: scans[k].corpus, factor: factors[chosen],
                          expectedCalibrationErrorBefore: scan.expectedCalibrationError[one],
                          expectedCalibrationError: scan.expectedCalibrationError[chosen],
                          negativeLogLikelihoodBefore: scan.negativeLogLikelihood[one],
                          negativeLogLikelihood: scan.negativeLogLikelihood[chosen])
        }
        let n = Double(crossFitted.count)
        meanExpectedCalibrationErrorBefore = crossFitted.map(\.expectedCalibrationErrorBefore).reduce(0, +) / n
        meanExpectedCalibrationError = crossFitted.map(\.expectedCalibrationError).reduce(0, +) / n
    }

    /// The scan index minimising the mean NLL over `scans`.
    static func bestIndex(_ scans: [TemperatureScan]) -> Int {
        let meanNLL = scans[0].factors.indices.map { i in scans.map { $0.negativeLogLikelihood[i] }.reduce(0, +) / Double(scans.count) }
        return meanNLL.indices.min { meanNLL[$0] < meanNLL[$1] }!
    }

    /// The manifest's `metrics.leave_one_corpus_out_summary.unseen_corpus_calibration`.
    public var json: JSONValue {
        .object([
            "protocol": .string("temperature factor over the validation-fitted temperature minimising the mean NLL (restricted argmax, clean) over held-out corpora; cross_fitted: each corpus scored at the factor chosen on the other corpora only"),
            "factor": .number(factor),
            "mean_ece_before": .number(meanExpectedCalibrationErrorBefore),
            "mean_ece": .number(meanExpectedCalibrationError),
            "cross_fitted": .array(crossFitted.map { c in
                .object(["corpus": .string(c.corpus), "factor": .number(c.factor),
                         "ece_before": .number(c.expectedCalibrationErrorBefore), "ece": .number(c.expectedCalibrationError),
                         "nll_before": .number(c.negativeLogLikelihoodBefore), "nll": .number(c.negativeLogLikelihood)])
            }),
        ])
    }
}
