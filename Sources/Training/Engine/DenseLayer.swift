import LinearAlgebra
import NeuralNet

/// `y = W x + b` (`W [O, D]`) on a batch of vectors `[B, D]` or of sequences `[B, T, D]` (all `B·T`
/// rows in one `gemm`). Backward: `dW += dYᵀ X`, `db += Σ dY`, `dX = dY W`.
final class DenseLayer: TrainableLayer {
    let outFeatures: Int
    let weight: Parameter
    let bias: Parameter?
    var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    private var cachedInput: BatchTensor?

    init(outFeatures: Int, weight: Parameter, bias: Parameter?) {
        self.outFeatures = outFeatures
        self.weight = weight
        self.bias = bias
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        if case let .sequence(t, _) = input { return .sequence(time: t, features: outFeatures) }
        return .vector(features: outFeatures)
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedInput = input
        let d = input.shape.dimensions.last!
        let rows = input.batch * (input.shape.count / d)
        var output = BatchTensor(shape: outputShape(input.shape), batch: input.batch)
        let o = outFeatures
        input.values.withUnsafeBufferPointer { x in weight.value.withUnsafeBufferPointer { w in
            output.values.withUnsafeMutableBufferPointer { y in
                // [rows, D] · [D, O] (W read transposed) → [rows, O]
                gemm(.none, .transposed, m: rows, n: o, k: d, a: x.baseAddress!, lda: d, b: w.baseAddress!, ldb: d,
                     c: y.baseAddress!, ldc: o)
                if let bias {
                    for r in 0..<rows { for j in 0..<o { y[r * o + j] += bias.value[j] } }
                }
            }
        } }
        return output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let input = cachedInput!
        let d = input.shape.dimensions.last!
        let rows = input.batch * (input.shape.count / d)
        let o = outFeatures
        var inputGradient = BatchTensor(shape: input.shape, batch: input.batch)
        outputGradient.values.withUnsafeBufferPointer { dy in
            input.values.withUnsafeBufferPointer { x in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    // [O, rows] · [rows, D] → [O, D], accumulated
                    gemm(.transposed, .none, m: o, n: d, k: rows, a: dy.baseAddress!, lda: o, b: x.baseAddress!, ldb: d,
                         beta: 1, c: dw.baseAddress!, ldc: d)
                }
            }
            if let bias {
                for r in 0..<rows { for j in 0..<o { bias.gradient[j] += dy[r * o + j] } }
            }
            guard needsInputGradient else { return }
            weight.value.withUnsafeBufferPointer { w in
                inputGradient.values.withUnsafeMutableBufferPointer { dx in
                    // [rows, O] · [O, D] → [rows, D]
                    gemm(.none, .none, m: rows, n: d, k: o, a: dy.baseAddress!, lda: o, b: w.baseAddress!, ldb: d,
                         c: dx.baseAddress!, ldc: d)
                }
            }
        }
        return inputGradient
    }
}
