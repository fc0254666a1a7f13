import LinearAlgebra
import NeuralNet

/// `conv1d` / `conv2d` (groups = 1) over a batch by im2col + one `gemm` for the whole batch.
///
/// Forward: the batch's im2col matrices side by side, `cols [K = C·kh·kw, B·N]` (N = OH·OW), then
/// `W [O, K] · cols → [O, B·N]`, permuted to `[B, O, N]` with the bias added. `cols` is cached.
/// Backward: `dW += dY [O, B·N] · colsᵀ`, `db += Σ dY`, `dcols = Wᵀ · dY`, then col2im per example.
/// A 1-D convolution is the 2-D one over `[C, 1, T]` (PyTorch's `[O, C, k]` weight = `[O, C, 1, k]`).
final class ConvolutionLayer: TrainableLayer {
    let spec: ConvolutionSpec
    let oneDimensional: Bool
    let weight: Parameter
    let bias: Parameter?
    var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    private var cachedColumns: [Float] = []
    private var cachedInputShape: ActivationShape = .vector(features: 0)
    private var cachedBatch = 0

    init(spec: ConvolutionSpec, oneDimensional: Bool, weight: Parameter, bias: Parameter?) {
        self.spec = spec
        self.oneDimensional = oneDimensional
        self.weight = weight
        self.bias = bias
    }

    func geometry(_ input: ActivationShape) -> PatchGeometry {
        let (c, h, w): (Int, Int, Int) = switch input {
        case let .planes(c, h, w): (c, h, w)
        case let .channels(c, t): (c, 1, t)
        default: preconditionFailure("convolution needs planes or channels, got \(input)")
        }
        let last = spec.kernelSize.count - 1
        return PatchGeometry(
            channels: c, height: h, width: w,
            kernelHeight: oneDimensional ? 1 : spec.kernelSize[0], kernelWidth: spec.kernelSize[last],
            strideHeight: oneDimensional ? 1 : spec.stride[0], strideWidth: spec.stride[last],
            paddingHeight: oneDimensional ? 0 : spec.padding[0], paddingWidth: spec.padding[last],
            dilationHeight: oneDimensional ? 1 : spec.dilation[0], dilationWidth: spec.dilation[last])
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        let g = geometry(input)
        return oneDimensional
            ? .channels(channels: spec.outChannels, time: g.outputWidth)
            : .planes(channels: spec.outChannels, height: g.outputHeight, width: g.outputWidth)
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        let g = geometry(input.shape)
        let (batch, n, k, o) = (input.batch, g.outputCount, g.patchSize, spec.outChannels)
        let ld = batch * n
        if cachedColumns.count != k * ld { cachedColumns = [Float](repeating: 0, count: k * ld) }
        cachedInputShape = input.shape
        cachedBatch = batch
        var output = BatchTensor(shape: outputShape(input.shape), batch: batch)
        var product = [Float](repeating: 0, count: o * ld)
        input.values.withUnsafeBufferPointer { x in
            cachedColumns.withUnsafeMutableBufferPointer { cols in
                for b in 0..<batch {
                    g.im2col(x.baseAddress! + b * input.exampleCount, into: cols.baseAddress! + b * n, ld: ld)
                }
            }
        }
        weight.value.withUnsafeBufferPointer { w in
            cachedColumns.withUnsafeBufferPointer { cols in
                product.withUnsafeMutableBufferPointer { p in
                    // [O, K] · [K, B·N] → [O, B·N]
                    gemm(.none, .none, m: o, n: ld, k: k, a: w.baseAddress!, lda: k, b: cols.baseAddress!, ldb: ld,
                         c: p.baseAddress!, ldc: ld)
                }
            }
        }
        let biasValues = bias?.value
        output.values.withUnsafeMutableBufferPointer { y in
            product.withUnsafeBufferPointer { p in
                for b in 0..<batch {
                    for c in 0..<o {
                        let source = p.baseAddress! + c * ld + b * n
                        let target = y.baseAddress! + (b * o + c) * n
                        let shift = biasValues?[c] ?? 0
                        for i in 0..<n { target[i] = source[i] + shift }
                    }
                }
            }
        }
        return output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let g = geometry(cachedInputShape)
        let (batch, n, k, o) = (cachedBatch, g.outputCount, g.patchSize, spec.outChannels)
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
