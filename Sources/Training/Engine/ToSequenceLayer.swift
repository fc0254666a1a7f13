import NeuralNet

/// `to_sequence`: each example `[C·F, T]` (planes viewed feature-major, or channels) transposed to
/// `[T, C·F]`; the backward pass transposes back.
final class ToSequenceLayer: TrainableLayer {
    var parameters: [Parameter] { [] }
    private var cachedShape: ActivationShape = .vector(features: 0)

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        .sequence(time: input.time!, features: input.featuresPerStep!)
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedShape = input.shape
        let (d, t) = (input.shape.featuresPerStep!, input.shape.time!)
        return BatchTensor(shape: outputShape(input.shape), batch: input.batch,
                           values: batchTranspose(input.values, batch: input.batch, rows: d, columns: t))
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let (d, t) = (cachedShape.featuresPerStep!, cachedShape.time!)
        return BatchTensor(shape: cachedShape, batch: outputGradient.batch,
                           values: batchTranspose(outputGradient.values, batch: outputGradient.batch, rows: t, columns: d))
    }
}

/// Transposes each of `batch` consecutive row-major `[rows, columns]` matrices to `[columns, rows]`.
func batchTranspose(_ values: [Float], batch: Int, rows: Int, columns: Int) -> [Float] {
    var result = [Float](repeating: 0, count: values.count)
    let size = rows * columns
    values.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { target in
            for b in 0..<batch {
                let s = source.baseAddress! + b * size, t = target.baseAddress! + b * size
                for r in 0..<rows { for c in 0..<columns { t[c * rows + r] = s[r * columns + c] } }
            }
        }
    }
    return result
}
