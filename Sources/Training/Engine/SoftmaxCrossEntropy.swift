#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuralNet

/// Softmax cross-entropy on logits `[B, K]`, with optional label smoothing, class weights
/// (PyTorch `nn.CrossEntropyLoss(weight=, label_smoothing=)` semantics) and per-example class masks.
///
/// With smoothing ε the target is `q = (1 − ε)·onehot(y) + ε/K`; with weights the loss is the weighted
/// mean `Σ_b w_{y_b} · CE_b / Σ_b w_{y_b}`, the log-sum-exp in Float64. The gradient is
/// `w_{y_b} (softmax(z_b) − q_b) / Σ w`, with NeuralNet's `softmax` (the network's own).
///
/// A mask `m_b` (the classes example `b`'s corpus has) makes a missing class no negative example: its
/// logit is treated as −∞, so the softmax runs over the `K_b` present classes only, smoothing spreads
/// `ε / K_b` over those, and a masked class gets zero gradient (training on EMO-DB, which has no
/// surprise, then never pushes surprise down on German anger).
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
    /// - Parameter present: per example, `classes` flags of the classes it may be (its corpus's
    ///   classes; the label's own class must be among them), or nil when every class is present.
    public func evaluate(logits: [Float], labels: [Int], classes: Int, present: [[Bool]]? = nil) -> (loss: Double, gradient: [Float]) {
        precondition(logits.count == labels.count * classes, "logits must be [B, K]")
        precondition(present == nil || present!.count == labels.count && present!.allSatisfy { $0.count == classes },
                     "one class mask of K flags per example")
        var gradient = [Float](repeating: 0, count: logits.count)
        var total = 0.0, weightSum = 0.0
        let all = [Bool](repeating: true, count: classes)
        for (b, label) in labels.enumerated() {
            let mask = present?[b] ?? all
            precondition(mask[label], "example \(b): its label's class is masked")
            let row = logits[(b * classes)..<((b + 1) * classes)]
            let weight = Double(classWeights?[label] ?? 1)
            let (loss, rowGradient) = rowLoss(Array(row), label: label, mask: mask)
            for k in 0..<classes { gradient[b * classes + k] = Float(weight) * rowGradient[k] }
            total += weight * loss
            weightSum += weight
        }
        let scale = weightSum > 0 ? 1 / weightSum : 0
        for i in gradient.indices { gradient[i] *= Float(scale) }
        return (total * scale, gradient)
    }

    /// One example: `−Σ_k q_k log p_k` over the present classes and its gradient `p − q` (0 where masked).
    private func rowLoss(_ row: [Float], label: Int, mask: [Bool]) -> (Double, [Float]) {
        let presentCount = mask.filter { $0 }.count
        let smooth = labelSmoothing / Float(presentCount)
        let present = row.indices.filter { mask[$0] }
        let probabilities = softmax(present.map { row[$0] })
        let peak = present.map { row[$0] }.max()!
        var sum = 0.0
        for k in present { sum += Double(expf(row[k] - peak)) }
        let logSum = Double(peak) + log(sum)
        var loss = 0.0
        var gradient = [Float](repeating: 0, count: row.count)
        for (j, k) in present.enumerated() {
            let q = (k == label ? 1 - labelSmoothing : 0) + smooth
            loss -= Double(q) * (Double(row[k]) - logSum)
            gradient[k] = probabilities[j] - q
        }
        return (loss, gradient)
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
