import Foundation
import Testing
@testable import Training

/// The temperature factor for corpora a model never heard: scanned per held-out corpus, chosen on
/// the others (never on the corpus it is judged on), and applied by the exporter.
@Suite struct UnseenCorpusCalibrationTests {
    /// Overconfident predictions over a corpus with classes a, b of a three-label model: right 75 % of
    /// the time at confidence 0.95.
    static func overconfident() -> (truth: [Int], probabilities: [[Float]]) {
        var truth: [Int] = [], probabilities: [[Float]] = []
        for i in 0..<100 {
            let label = i % 2, right = i % 4 < 3
            let top = right ? label : 1 - label
            var p: [Float] = [0.02, 0.02, 0.01]
            p[top] = 0.95
            p[1 - top] = 0.03
            truth.append(label)
            probabilities.append(p)
        }
        return (truth, probabilities)
    }

    @Test func theScanAtFactorOneIsTheModelsOwnCalibrationAndAFlatterTemperatureHelpsAnOverconfidentModel() throws {
        let (truth, probabilities) = Self.overconfident()
        let scan = TemperatureScan(labels: ["a", "b", "c"], classes: [0, 1], truth: truth, probabilities: probabilities)
        let one = scan.index(nearest: 1)
        #expect(scan.factors[one] == 1)
        let own = SubsetMetrics(labels: ["a", "b", "c"], classes: [0, 1], truth: truth, probabilities: probabilities).restrictedArgmax
        // (Rescaling by 1 goes through log and softmax in Float: equal to float precision.)
        #expect(abs(scan.negativeLogLikelihood[one] - own.negativeLogLikelihood) < 1e-6)
        #expect(abs(scan.expectedCalibrationError[one] - own.expectedCalibrationError) < 1e-6)
        // Restricted to a, b the confidence is 0.95 / 0.98 ≈ 0.969 at 75 % accuracy.
        #expect(abs(own.expectedCalibrationError - (0.95 / 0.98 - 0.75)) < 1e-6)
        // The NLL minimum sits where the temperature fit (golden section, continuous) puts it, to a grid step.
        let best = scan.negativeLogLikelihood.indices.min { scan.negativeLogLikelihood[$0] < scan.negativeLogLikelihood[$1] }!
        let restricted = probabilities.map { [$0[0] / ($0[0] + $0[1]), $0[1] / ($0[0] + $0[1])] }
        let fitted = TemperatureScaling.fit(probabilities: restricted, truth: truth)
        #expect(fitted > 2 && abs(log(scan.factors[best] / fitted)) <= log(2) / 8 + 1e-9)
        #expect(scan.expectedCalibrationError[best] < 0.05)
    }

    /// NLL curves with their minima at chosen grid points (ECE equal to the NLL, for checking).
    static func scan(minimumAt index: Int, depth: Double = 1) -> TemperatureScan {
        let factors = TemperatureScan.standardFactors
        let nll = factors.indices.map { depth * Double(($0 - index) * ($0 - index)) / 100 + 1 }
        return TemperatureScan(factors: factors, negativeLogLikelihood: nll, expectedCalibrationError: nll.map { $0 - 1 })
    }

    @Test func eachCorpusIsJudgedAtAFactorChosenOnTheOtherCorporaOnly() throws {
        let factors = TemperatureScan.standardFactors
        let scans = [("x", Self.scan(minimumAt: 8)), ("y", Self.scan(minimumAt: 12)), ("z", Self.scan(minimumAt: 16))]
        let calibration = try #require(UnseenCorpusCalibration(scans: scans))
        // Equal quadratic bowls: the mean's minimum is the mean of the minima.
        #expect(calibration.factor == factors[12])
        #expect(calibration.crossFitted.map(\.factor) == [factors[14], factors[12], factors[10]])
        // x at factor index 14: (14 − 8)² / 100 = 0.36; at factor 1 (index 4): (4 − 8)² / 100 = 0.16.
        #expect(abs(calibration.crossFitted[0].expectedCalibrationError - 0.36) < 1e-12)
        #expect(abs(calibration.crossFitted[0].expectedCalibrationErrorBefore - 0.16) < 1e-12)
        #expect(abs(calibration.meanExpectedCalibrationError - (0.36 + 0 + 0.36) / 3) < 1e-12)
        // Changing x's own curve moves the overall factor but never x's cross-fitted one.
        let moved = try #require(UnseenCorpusCalibration(scans: [("x", Self.scan(minimumAt: 24, depth: 10))] + scans.dropFirst()))
        #expect(moved.crossFitted[0].factor == calibration.crossFitted[0].factor)
        #expect(moved.factor != calibration.factor)
    }

    @Test func oneCorpusOrMismatchedScansGiveNoCalibration() {
        #expect(UnseenCorpusCalibration(scans: [("x", Self.scan(minimumAt: 8))]) == nil)
        let short = TemperatureScan(factors: [1, 2], negativeLogLikelihood: [1, 0.5], expectedCalibrationError: [0.2, 0.1])
        #expect(UnseenCorpusCalibration(scans: [("x", Self.scan(minimumAt: 8)), ("y", short)]) == nil)
        // A summary whose corpora were recorded without scans has none either, and still decodes.
        let (truth, probabilities) = Self.overconfident()
        let metrics = SubsetMetrics(labels: ["a", "b", "c"], classes: [0, 1], truth: truth, probabilities: probabilities)
        let summary = LeaveOneCorpusOutSummary(["x", "y"].map {
            HeldOutCorpusEvaluation(corpus: $0, trainedOn: [], utterances: 100, speakers: 1, temperature: 1, clean: metrics, telephone: nil)
        })
        #expect(summary.unseenCorpusCalibration == nil)
    }
}
