import Foundation
import NeuralNet

/// Temperature scaling (Guo et al. 2017): one scalar `T > 0` such that `softmax(logits / T)` minimises
/// the negative log-likelihood of held-out (validation) data. It changes confidences, never the
/// top-1 prediction, so accuracy and UA are unaffected.
///
/// Log-probabilities work as logits (softmax is shift-invariant), so `fit(probabilities:)` can
/// calibrate the output of a model that already applies a temperature `T0`: the model's new
/// temperature is then `T0 · T`. `ModelManifest.temperature` is where the trainer stores it.
public enum TemperatureScaling {
    /// The NLL-minimising temperature for `logits` (one vector per utterance) and true classes
    /// `truth`, searched by golden section on `log T` over [`range.lowerBound`, `range.upperBound`]
    /// (the NLL is convex in `1/T`, so it is unimodal in `log T`) to a relative precision of 1e-5.
    public static func fit(logits: [[Float]], truth: [Int], range: ClosedRange<Double> = 0.05...20) -> Double {
        precondition(logits.count == truth.count && !logits.isEmpty, "temperature fitting needs labelled examples")
        let invPhi = (5.0.squareRoot() - 1) / 2
        var a = log(range.lowerBound), b = log(range.upperBound)
        var c = b - invPhi * (b - a), d = a + invPhi * (b - a)
        var fc = negativeLogLikelihood(logits: logits, truth: truth, temperature: exp(c))
        var fd = negativeLogLikelihood(logits: logits, truth: truth, temperature: exp(d))
        while b - a > 1e-5 {
            if fc < fd {
                b = d; d = c; fd = fc
                c = b - invPhi * (b - a)
                fc = negativeLogLikelihood(logits: logits, truth: truth, temperature: exp(c))
            } else {
                a = c; c = d; fc = fd
                d = a + invPhi * (b - a)
                fd = negativeLogLikelihood(logits: logits, truth: truth, temperature: exp(d))
            }
        }
        return exp((a + b) / 2)
    }

    /// `fit` on `log(p)` of probability vectors.
    public static func fit(probabilities: [[Float]], truth: [Int], range: ClosedRange<Double> = 0.05...20) -> Double {
        fit(logits: probabilities.map { $0.map { log(max($0, 1e-30)) } }, truth: truth, range: range)
    }

    /// Mean NLL (nats) of `softmax(logits / temperature)` at the true classes, in double precision
    /// with the log-sum-exp shift.
    public static func negativeLogLikelihood(logits: [[Float]], truth: [Int], temperature: Double) -> Double {
        var total = 0.0
        for (z, y) in zip(logits, truth) {
            let scaled = z.map { Double($0) / temperature }
            let peak = scaled.max() ?? 0
            let logSum = log(scaled.reduce(0.0) { $0 + exp($1 - peak) }) + peak
            total += logSum - scaled[y]
        }
        return total / Double(max(1, logits.count))
    }

    /// Probability vectors recalibrated by `temperature` (softmax of `log p / T`).
    public static func apply(_ temperature: Double, toProbabilities probabilities: [Float]) -> [Float] {
        softmax(probabilities.map { Float(log(Double(max($0, 1e-30)))) }, temperature: Float(temperature))
    }
}
