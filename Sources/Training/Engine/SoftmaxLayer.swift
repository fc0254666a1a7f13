import NeuralNet

/// Softmax over the last axis: NeuralNet's `softmaxForward` and its backward,
/// `dx = y ⊙ (dy − Σ dy ⊙ y)`.
///
/// A network whose spec ends in softmax is trained on the logits before it (see
/// `TrainableNetwork.logits`), which is numerically better; this layer exists for specs that use
/// softmax inside the network and for completeness of the gradient checks.
final class SoftmaxLayer: TrainableLayer {
    var parameters: [Parameter] { [] }
    private var cachedOutput: BatchTensor?

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        let output = softmaxForward(input)
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
