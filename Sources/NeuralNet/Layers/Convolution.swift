import LinearAlgebra

/// A 1-D or 2-D convolution (groups = 1) as im2col + `gemm`, with any following BatchNorm folded into
/// its weights and an optional activation fused into the bias epilogue.
///
/// 1-D convolutions run as 2-D ones over `[C, 1, T]` with a `1 × k` kernel: PyTorch's `[O, C, k]` weight
/// has the same memory as `[O, C, 1, k]`.
struct ConvolutionKernel: LayerKernel {
    let oneDimensional: Bool
    let outChannels: Int
    let kernel: (height: Int, width: Int)
    let stride: (height: Int, width: Int)
    let padding: (height: Int, width: Int)
    let dilation: (height: Int, width: Int)
    /// `[O, C·kh·kw]` row-major (PyTorch's `[O, C, kh, kw]`, BatchNorm folded in).
    let weights: [Float]
    /// `[O]`, nil when the layer has no bias and no folded BatchNorm.
    let bias: [Float]?
    let activation: Activation?

    init(spec: ConvolutionSpec, oneDimensional: Bool, weights: [Float], bias: [Float]?, activation: Activation?) {
        self.oneDimensional = oneDimensional
        outChannels = spec.outChannels
        let last = spec.kernelSize.count - 1
        kernel = (oneDimensional ? 1 : spec.kernelSize[0], spec.kernelSize[last])
        stride = (oneDimensional ? 1 : spec.stride[0], spec.stride[last])
        padding = (oneDimensional ? 0 : spec.padding[0], spec.padding[last])
        dilation = (oneDimensional ? 1 : spec.dilation[0], spec.dilation[last])
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    func geometry(_ input: ActivationShape) -> ConvolutionGeometry {
        let (c, h, w): (Int, Int, Int) = switch input {
        case let .planes(c, h, w): (c, h, w)
        case let .channels(c, t): (c, 1, t)
        default: preconditionFailure("convolution input must be planes or channels, got \(input)")
        }
        return ConvolutionGeometry(
            channels: c, height: h, width: w, kernelHeight: kernel.height, kernelWidth: kernel.width,
            strideHeight: stride.height, strideWidth: stride.width, paddingHeight: padding.height,
            paddingWidth: padding.width, dilationHeight: dilation.height, dilationWidth: dilation.width)
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        let g = geometry(input)
        return oneDimensional
            ? .channels(channels: outChannels, time: g.outputWidth)
            : .planes(channels: outChannels, height: g.outputHeight, width: g.outputWidth)
    }

    func scratchCount(_ input: ActivationShape, tiling: ConvolutionTiling) -> Int {
        let g = geometry(input)
        if g.isPointwise { return 0 }
        let n = g.outputHeight * g.outputWidth
        return g.patchSize * tiling.tileColumns(rows: g.patchSize, columns: n)
    }

    /// FLOPs of one forward pass (2 per multiply-add of the gemm), for benchmarks.
    func flops(_ input: ActivationShape) -> Int {
        let g = geometry(input)
        return 2 * outChannels * g.patchSize * g.outputHeight * g.outputWidth
    }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        let g = geometry(shape)
        let k = g.patchSize
        let n = g.outputHeight * g.outputWidth
        weights.withUnsafeBufferPointer { w in withOptionalPointer(bias) { biasPointer in
            if g.isPointwise {
                // [O, C] · [C, H·W] → [O, H·W]
                gemm(.none, .none, m: outChannels, n: n, k: k, a: w.baseAddress!, lda: k,
                     b: input, ldb: n, c: output, ldc: n)
                biasActivationRows(output, rows: outChannels, columns: n, stride: n, bias: biasPointer, activation: activation)
                return
            }
            let tile = tiling.tileColumns(rows: k, columns: n)
            var first = 0
            while first < n {
                let count = min(tile, n - first)
                im2col(input, g, firstColumn: first, columnCount: count, into: scratch)  // [C·kh·kw, count]
                // [O, C·kh·kw] · [C·kh·kw, count] → columns [first, first+count) of [O, OH·OW]
                gemm(.none, .none, m: outChannels, n: count, k: k, a: w.baseAddress!, lda: k,
                     b: scratch, ldb: count, c: output + first, ldc: n)
                biasActivationRows(output + first, rows: outChannels, columns: count, stride: n,
                                   bias: biasPointer, activation: activation)
                first += count
            }
        } }
    }
}
