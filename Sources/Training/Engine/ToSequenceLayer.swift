import NeuralNet

/// `to_sequence`: NeuralNet's `toSequenceForward` (`[C·F, T]` → `[T, C·F]` per example); the backward
/// pass transposes back.
final class ToSequenceLayer: TrainableLayer {
    var parameters: [Parameter] { [] }
    private var cachedShape: ActivationShape = .vector(features: 0)

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedShape = input.shape
        return toSequenceForward(input)
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let (d, t) = (cachedShape.timeFeatures!, cachedShape.time!)
        return BatchTensor(shape: cachedShape, batch: outputGradient.batch,
                           values: batchTranspose(outputGradient.values, batch: outputGradient.batch, rows: t, columns: d))
    }
}
