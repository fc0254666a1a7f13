import NeuralNet

/// Inverted dropout: in training each element is kept with probability `1 − p` and scaled by
/// `1 / (1 − p)`, so evaluation (and NeuralNet's inference, which drops the layer) is the identity.
/// The mask comes from the caller's seeded generator, so a run is reproducible.
final class DropoutLayer: TrainableLayer {
    let probability: Float
    var parameters: [Parameter] { [] }
    private var mask: [Float] = []

    init(probability: Float) { self.probability = probability }

    func outputShape(_ input: ActivationShape) -> ActivationShape { input }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        guard mode == .training, probability > 0 else {
            mask = []
            return input
        }
        let scale = probability < 1 ? 1 / (1 - probability) : 0
        mask = (0..<input.values.count).map { _ in random.nextUniform() >= probability ? scale : 0 }
        var output = input
        for i in output.values.indices { output.values[i] *= mask[i] }
        return output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        guard !mask.isEmpty else { return outputGradient }
        var gradient = outputGradient
        for i in gradient.values.indices { gradient.values[i] *= mask[i] }
        return gradient
    }
}
