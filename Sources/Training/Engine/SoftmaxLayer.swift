#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuralNet

/// Softmax over the last axis (of a vector, or of every step of a sequence).
/// Backward: `dx = y ⊙ (dy − Σ dy ⊙ y)`.
///
/// A network whose spec ends in softmax is trained on the logits before it (see
/// `TrainableNetwork.logits`), which is numerically better; this layer exists for specs that use
/// softmax inside the network and for completeness of the gradient checks.
final class SoftmaxLayer: TrainableLayer {
    var parameters: [Parameter] { [] }
    private var cachedOutput: BatchTensor?

    func outputShape(_ input: ActivationShape) -> ActivationShape { input }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        var output = input
        let d = input.shape.dimensions.last!
        output.values.withUnsafeMutableBufferPointer { y in
            for r in 0..<(y.count / d) { softmaxInPlace(y.baseAddress! + r * d, count: d) }
        }
        cachedOutput = output
        return output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let y = cachedOutput!.values
        var gradient = outputGradient
        let d = y.isEmpty ? 1 : cachedOutput!.shape.dimensions.last!
        for r in 0..<(y.count / d) {
            var dot: Float = 0
            for i in 0..<d { dot += gradient.values[r * d + i] * y[r * d + i] }
            for i in 0..<d { gradient.values[r * d + i] = y[r * d + i] * (gradient.values[r * d + i] - dot) }
        }
        return gradient
    }
}

/// Softmax of `count` values in place, shifted by their maximum.
func softmaxInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    var peak = -Float.infinity
    for i in 0..<count { peak = max(peak, values[i]) }
    var sum: Float = 0
    for i in 0..<count { values[i] = expf(values[i] - peak); sum += values[i] }
    let inverse = 1 / sum
    for i in 0..<count { values[i] *= inverse }
}
