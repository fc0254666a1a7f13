import LinearAlgebra
import NeuralNet

/// `conv1d` / `conv2d` (groups = 1): NeuralNet's `ConvolutionReference` forward (whose im2col matrix
/// `cols [K = C·kh·kw, B·N]`, `N = OH·OW`, is cached) and its backward: `dW += dY [O, B·N] · colsᵀ`,
/// `db += Σ dY`, `dcols = Wᵀ · dY`, then col2im per example.
final class ConvolutionLayer: TrainableLayer {
    let reference: ConvolutionReference
    let weight: Parameter
    let bias: Parameter?
    var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    private var cachedColumns: [Float] = []
    private var cachedInputShape: ActivationShape = .vector(features: 0)
    private var cachedBatch = 0

    init(spec: ConvolutionSpec, weight: Parameter, bias: Parameter?) {
        reference = ConvolutionReference(spec: spec)
        self.weight = weight
        self.bias = bias
    }

    /// Layer `index`'s parameters from `store`; initial weights He (Kaiming) uniform for ReLU,
    /// `U(±sqrt(6 / fan_in))`, since every conv in our architectures feeds BatchNorm + ReLU; initial
    /// biases `U(±1/sqrt(fan_in))` (PyTorch's).
    convenience init(spec: ConvolutionSpec, layer index: Int, parameters store: ParameterStore) {
        let fanIn = Float(store.shape(index, "weight").dropFirst().reduce(1, *))
        self.init(spec: spec, weight: store.parameter(index, "weight", .uniform(bound: (6 / fanIn).squareRoot()), decays: true),
                  bias: store.optional(index, "bias", .uniform(bound: 1 / fanIn.squareRoot())))
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedInputShape = input.shape
        cachedBatch = input.batch
        return reference.forward(input, weight: weight.value, bias: bias?.value, columns: &cachedColumns)
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let g = reference.geometry(cachedInputShape)
        let (batch, n, k, o) = (cachedBatch, g.outputCount, g.patchSize, reference.spec.outChannels)
        let ld = batch * n
        // dY [B, O, N] → [O, B·N]
        var dy = [Float](repeating: 0, count: o * ld)
        outputGradient.values.withUnsafeBufferPointer { source in
            dy.withUnsafeMutableBufferPointer { target in
                for b in 0..<batch {
                    for c in 0..<o {
                        (target.baseAddress! + c * ld + b * n).update(from: source.baseAddress! + (b * o + c) * n, count: n)
                    }
                }
            }
        }
        if let bias {
            dy.withUnsafeBufferPointer { d in
                for c in 0..<o {
                    var sum: Float = 0
                    let row = d.baseAddress! + c * ld
                    for i in 0..<ld { sum += row[i] }
                    bias.gradient[c] += sum
                }
            }
        }
        dy.withUnsafeBufferPointer { d in
            cachedColumns.withUnsafeBufferPointer { cols in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    // [O, B·N] · [B·N, K] → [O, K], accumulated
                    gemm(.none, .transposed, m: o, n: k, k: ld, a: d.baseAddress!, lda: ld, b: cols.baseAddress!, ldb: ld,
                         beta: 1, c: dw.baseAddress!, ldc: k)
                }
            }
        }
        var inputGradient = BatchTensor(shape: cachedInputShape, batch: batch)
        guard needsInputGradient else { return inputGradient }
        // Reuse the cached im2col storage for dcols.
        weight.value.withUnsafeBufferPointer { w in
            dy.withUnsafeBufferPointer { d in
                cachedColumns.withUnsafeMutableBufferPointer { dcols in
                    // [K, O] · [O, B·N] → [K, B·N]
                    gemm(.transposed, .none, m: k, n: ld, k: o, a: w.baseAddress!, lda: k, b: d.baseAddress!, ldb: ld,
                         c: dcols.baseAddress!, ldc: ld)
                }
            }
        }
        let exampleCount = cachedInputShape.count
        cachedColumns.withUnsafeBufferPointer { dcols in
            inputGradient.values.withUnsafeMutableBufferPointer { dx in
                for b in 0..<batch {
                    g.col2im(dcols.baseAddress! + b * n, ld: ld, into: dx.baseAddress! + b * exampleCount)
                }
            }
        }
        return inputGradient
    }
}
