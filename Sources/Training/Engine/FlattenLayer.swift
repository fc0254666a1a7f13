import NeuralNet

/// `flatten`: NeuralNet's `flattenForward`; the backward pass restores the input shape.
final class FlattenLayer: TrainableLayer {
    var parameters: [Parameter] { [] }
    private var cachedShape: ActivationShape = .vector(features: 0)

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedShape = input.shape
        return flattenForward(input)
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        BatchTensor(shape: cachedShape, batch: outputGradient.batch, values: outputGradient.values)
    }
}
