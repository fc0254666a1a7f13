import NeuralNet

/// Inverted dropout: NeuralNet's `DropoutReference` forward (mask drawn from the caller's seeded
/// generator, so a run is reproducible) and its backward, the same mask.
final class DropoutLayer: TrainableLayer {
    let reference: DropoutReference
    var parameters: [Parameter] { [] }
    private var mask: [Float] = []

    init(probability: Float) { reference = DropoutReference(probability: probability) }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        let result = reference.forward(input, mode: mode, random: &random)
        mask = result.mask
        return result.output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        guard !mask.isEmpty else { return outputGradient }
        var gradient = outputGradient
        for i in gradient.values.indices { gradient.values[i] *= mask[i] }
        return gradient
    }
}
