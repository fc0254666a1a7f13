import NeuralNet

/// `flatten`: each example's values, unchanged, as a `.vector` (PyTorch `nn.Flatten()`).
final class FlattenLayer: TrainableLayer {
    var parameters: [Parameter] { [] }
    private var cachedShape: ActivationShape = .vector(features: 0)

    func outputShape(_ input: ActivationShape) -> ActivationShape { .vector(features: input.count) }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedShape = input.shape
        return BatchTensor(shape: outputShape(input.shape), batch: input.batch, values: input.values)
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        BatchTensor(shape: cachedShape, batch: outputGradient.batch, values: outputGradient.values)
    }
}
