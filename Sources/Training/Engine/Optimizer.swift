/// Adam (Kingma & Ba) and AdamW (Loshchilov & Hutter), PyTorch's update rules.
///
/// Adam with `weightDecay` adds `λ·w` to the gradient (L2 regularisation); AdamW decays the weight
/// directly, `w ← w − lr·λ·w`, before the Adam step. Decay applies only to parameters marked
/// `decays` (conv/dense/recurrent/attention weights). The moment estimates are part of a checkpoint.
public final class AdamOptimizer {
    public enum Variant: String, Codable, Sendable { case adam, adamw }

    public let variant: Variant
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// Steps taken so far (for the bias correction).
    public private(set) var step: Int = 0
    /// First and second moments by parameter name.
    public private(set) var firstMoment: [String: [Float]] = [:]
    public private(set) var secondMoment: [String: [Float]] = [:]

    public init(variant: Variant, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.variant = variant
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One update of every trainable parameter from its accumulated gradient at `learningRate`.
    public func update(_ parameters: [Parameter], learningRate: Float) {
        step += 1
        let correction1 = 1 - pow(beta1, Float(step))
        let correction2 = 1 - pow(beta2, Float(step))
        let stepSize = learningRate / correction1
        let inverseRootCorrection2 = 1 / correction2.squareRoot()
        for p in parameters where p.trainable {
            var m = firstMoment[p.name] ?? [Float](repeating: 0, count: p.count)
            var v = secondMoment[p.name] ?? [Float](repeating: 0, count: p.count)
            let decay = p.decays ? weightDecay : 0
            let (b1, b2, eps) = (beta1, beta2, epsilon)
            p.value.withUnsafeMutableBufferPointer { w in
                p.gradient.withUnsafeBufferPointer { g in
                    for i in 0..<w.count {
                        var gradient = g[i]
                        if variant == .adam { gradient += decay * w[i] } else { w[i] -= learningRate * decay * w[i] }
                        m[i] = b1 * m[i] + (1 - b1) * gradient
                        v[i] = b2 * v[i] + (1 - b2) * gradient * gradient
                        w[i] -= stepSize * m[i] / (v[i].squareRoot() * inverseRootCorrection2 + eps)
                    }
                }
            }
            firstMoment[p.name] = m
            secondMoment[p.name] = v
        }
    }

    /// Restores the state saved by a checkpoint.
    public func restore(step: Int, firstMoment: [String: [Float]], secondMoment: [String: [Float]]) {
        self.step = step
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
