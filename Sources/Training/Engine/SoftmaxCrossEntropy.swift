#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuralNet

/// Softmax cross-entropy on logits `[B, K]`, with optional label smoothing and class weights
/// (PyTorch `nn.CrossEntropyLoss(weight=, label_smoothing=)` semantics).
///
/// With smoothing ε the target is `q = (1 − ε)·onehot(y) + ε/K`; with weights the loss is the weighted
/// mean `Σ_b w_{y_b} · CE_b / Σ_b w_{y_b}`, the log-sum-exp in Float64. The gradient is
/// `w_{y_b} (softmax(z_b) − q_b) / Σ w`, with NeuralNet's `softmax` (the network's own).
public struct SoftmaxCrossEntropy: Sendable {
    public var labelSmoothing: Float
    /// One weight per class, or nil for equal weights.
    public var classWeights: [Float]?

    public init(labelSmoothing: Float = 0, classWeights: [Float]? = nil) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1)")
        self.labelSmoothing = labelSmoothing
        self.classWeights = classWeights
    }

    /// The loss and ∂loss/∂logits for `logits` (`labels.count` rows of `classes`).
    public func evaluate(logits: [Float], labels: [Int], classes: Int) -> (loss: Double, gradient: [Float]) {
        precondition(logits.count == labels.count * classes, "logits must be [B, K]")
        var gradient = [Float](repeating: 0, count: logits.count)
        var total = 0.0, weightSum = 0.0
        let smooth = labelSmoothing / Float(classes)
        for (b, label) in labels.enumerated() {
            let row = Array(logits[(b * classes)..<((b + 1) * classes)])
            let probabilities = softmax(row)
            let peak = row.max()!
            var sum = 0.0
            for k in 0..<classes { sum += Double(expf(row[k] - peak)) }
            let logSum = Double(peak) + log(sum)
            let weight = Double(classWeights?[label] ?? 1)
            var loss = 0.0
            for k in 0..<classes {
                let q = (k == label ? 1 - labelSmoothing : 0) + smooth
                loss -= Double(q) * (Double(row[k]) - logSum)
                gradient[b * classes + k] = Float(weight) * (probabilities[k] - q)
            }
            total += weight * loss
            weightSum += weight
        }
        let scale = weightSum > 0 ? 1 / weightSum : 0
        for i in gradient.indices { gradient[i] *= Float(scale) }
        return (total * scale, gradient)
    }

    /// Class weights inversely proportional to class frequency, normalised to mean 1 over the classes
    /// present (`n / (K · n_k)`, scikit-learn's "balanced"), so the loss optimises unweighted accuracy.
    public static func balancedWeights(labels: [Int], classes: Int) -> [Float] {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[label] += 1 }
        let present = counts.filter { $0 > 0 }.count
        return counts.map { $0 == 0 ? 0 : Float(labels.count) / Float(present * $0) }
    }
}
