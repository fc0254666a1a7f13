import Foundation
import NeuralNet
import Testing
@testable import Training

@Suite("Evaluation metrics")
struct EvaluationMetricsTests {
    /// Six predictions over three classes, confidences away from the 1/15 bin edges.
    let labels = ["a", "b", "c"]
    let truth = [0, 0, 0, 1, 1, 2]
    let probabilities: [[Float]] = [
        [0.7, 0.2, 0.1],    // a → a, conf 0.7
        [0.5, 0.45, 0.05],  // a → a, conf 0.5
        [0.25, 0.55, 0.2],  // a → b, conf 0.55
        [0.05, 0.9, 0.05],  // b → b, conf 0.9
        [0.3, 0.25, 0.45],  // b → c, conf 0.45
        [0.05, 0.05, 0.9],  // c → c, conf 0.9
    ]

    @Test func handComputedExample() {
        let m = ClassificationMetrics(labels: labels, truth: truth, probabilities: probabilities)
        #expect(m.confusion == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(m.count == 6)
        #expect(abs(m.accuracy - 4.0 / 6) < 1e-12)
        // Recalls 2/3, 1/2, 1 → UA 13/18.
        #expect(abs(m.unweightedAverageRecall - 13.0 / 18) < 1e-12)
        #expect(m.perClass.map(\.support) == [3, 2, 1])
        let precision = m.perClass.map(\.precision), f1 = m.perClass.map(\.f1)
        #expect(zip(precision, [1.0, 0.5, 0.5]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(f1, [0.8, 0.5, 2.0 / 3]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(m.macroF1 - (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-12)
        // NLL = −(ln .7 + ln .5 + ln .25 + ln .9 + ln .25 + ln .9) / 6.
        let nll = -(log(0.7) + log(0.5) + log(0.25) + log(0.9) + log(0.25) + log(0.9)) / 6
        #expect(abs(m.negativeLogLikelihood - nll) < 1e-6)
        // ECE: bins with (0.7, right), (0.5, right), (0.55, wrong), (0.45, wrong) alone and the two
        // 0.9s (both right) together: (0.3 + 0.5 + 0.55 + 0.45)/6 + 2/6 · 0.1 = 1/3.
        #expect(m.reliability.count == 15)
        #expect(abs(m.expectedCalibrationError - 1.0 / 3) < 1e-6)
        let bin13 = m.reliability[13]
        #expect(bin13.count == 2 && bin13.accuracy == 1 && abs(bin13.meanConfidence - 0.9) < 1e-6)
        #expect(m.reliability.map(\.count).reduce(0, +) == 6)
        #expect([6, 7, 8, 10].allSatisfy { m.reliability[$0].count == 1 })
    }

    @Test func absentClassesAreLeftOutOfTheAverages() {
        let m = ClassificationMetrics(labels: ["x", "y", "z"], truth: [0, 0, 1],
                                      probabilities: [[0.9, 0.1, 0], [0.2, 0.1, 0.7], [0.1, 0.8, 0.1]])
        // Recalls x 1/2, y 1; z has no support → UA 0.75, z's precision 0 (predicted once, wrongly).
        #expect(m.unweightedAverageRecall == 0.75)
        #expect(m.perClass[2].support == 0 && m.perClass[2].precision == 0)
        // F1 x = 2·1·0.5/1.5 = 2/3, y = 1 → macro 5/6.
        #expect(abs(m.macroF1 - 5.0 / 6) < 1e-12)
    }

    @Test func perfectConfidentPredictionsScoreOne() {
        let m = ClassificationMetrics(labels: ["p", "q"], truth: [0, 1, 1], probabilities: [[1, 0], [0, 1], [0, 1]])
        #expect(m.accuracy == 1 && m.unweightedAverageRecall == 1 && m.macroF1 == 1)
        #expect(m.expectedCalibrationError == 0 && m.negativeLogLikelihood == 0)
        #expect(m.reliability[14].count == 3)
    }

    @Test func temperatureHandComputed() {
        // Identical logits [1, 0]; class 0 is right 3 times out of 4, so the best probability is 3/4:
        // σ(1/T) = 3/4 ⇒ T = 1 / ln 3.
        let logits: [[Float]] = Array(repeating: [1, 0], count: 4)
        let t = TemperatureScaling.fit(logits: logits, truth: [0, 0, 0, 1])
        #expect(abs(t - 1 / log(3.0)) < 1e-3)
        // Half right: the best is p = 1/2, i.e. T at the top of the range.
        #expect(TemperatureScaling.fit(logits: [[1, 0], [1, 0]], truth: [0, 1]) > 19.9)
    }

    @Test func temperatureRecoversTheGeneratingTemperature() {
        var generator = SeededGenerator(seed: 2024)
        var logits: [[Float]] = [], truth: [Int] = []
        for _ in 0..<6000 {
            let z = (0..<4).map { _ in Float(3 * generator.gaussian()) }
            let p = softmax(z, temperature: 2)
            var u = Float(generator.unitDouble()), y = 0
            while y < 3, u >= p[y] { u -= p[y]; y += 1 }
            logits.append(z); truth.append(y)
        }
        let t = TemperatureScaling.fit(logits: logits, truth: truth)
        #expect(abs(t - 2) < 0.15, "fitted \(t)")
        let best = TemperatureScaling.negativeLogLikelihood(logits: logits, truth: truth, temperature: t)
        for other in [1.0, t * 0.9, t * 1.1] {
            #expect(best <= TemperatureScaling.negativeLogLikelihood(logits: logits, truth: truth, temperature: other))
        }
        // Fitting on probabilities gives the same temperature (softmax is shift-invariant).
        let probabilities = logits.map { softmax($0) }
        #expect(abs(TemperatureScaling.fit(probabilities: probabilities, truth: truth) - t) < 1e-3)
        // Recalibrating never changes the top-1 class.
        let recalibrated = TemperatureScaling.apply(3, toProbabilities: [0.6, 0.3, 0.1])
        #expect(ClassificationMetrics.argmax(recalibrated) == 0 && recalibrated[0] < 0.6)
    }

    @Test func crossValidationMeanAndSampleStandardDeviation() {
        let fold1 = ClassificationMetrics(labels: ["a", "b"], truth: [0, 1], probabilities: [[0.9, 0.1], [0.6, 0.4]])
        let fold2 = ClassificationMetrics(labels: ["a", "b"], truth: [0, 1, 1], probabilities: [[0.9, 0.1], [0.2, 0.8], [0.1, 0.9]])
        let summary = CrossValidationSummary([fold1, fold2])
        // UA: fold 1 = (1 + 0)/2 = 0.5, fold 2 = 1 → mean 0.75, sd = √((0.25² · 2)/1).
        #expect(summary.unweightedAverageRecall.values == [0.5, 1])
        #expect(summary.unweightedAverageRecall.mean == 0.75)
        #expect(abs(summary.unweightedAverageRecall.standardDeviation - (0.125).squareRoot()) < 1e-12)
        #expect(summary.pooledConfusion == [[2, 0], [1, 2]])
        #expect(summary.recall[1].values == [0, 1])
        #expect(MetricSummary([0.4]).standardDeviation == 0)
    }
}
