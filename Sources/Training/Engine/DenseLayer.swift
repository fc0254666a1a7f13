import LinearAlgebra
import NeuralNet

/// A fully connected layer: NeuralNet's `DenseReference` forward (`y = W x + b` on `[B, D]` or
/// `[B, T, D]`) and its backward: `dW += dYᵀ X`, `db += Σ dY`, `dX = dY W`.
final class DenseLayer: TrainableLayer {
    let reference: DenseReference
    let weight: Parameter
    let bias: Parameter?
    var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    private var cachedInput: BatchTensor?

    init(spec: DenseSpec, weight: Parameter, bias: Parameter?) {
        reference = DenseReference(spec: spec)
        self.weight = weight
        self.bias = bias
    }

    /// Layer `index`'s parameters from `store`; initially `U(±1/sqrt(fan_in))` (PyTorch's `nn.Linear`).
    convenience init(spec: DenseSpec, layer index: Int, parameters store: ParameterStore) {
        let bound = 1 / Float(store.shape(index, "weight")[1]).squareRoot()
        self.init(spec: spec, weight: store.parameter(index, "weight", .uniform(bound: bound), decays: true),
                  bias: store.optional(index, "bias", .uniform(bound: bound)))
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedInput = input
        return reference.forward(input, weight: weight.value, bias: bias?.value)
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let input = cachedInput!
        let d = input.shape.dimensions.last!
        let rows = input.batch * (input.shape.count / d)
        let o = reference.spec.outFeatures
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
