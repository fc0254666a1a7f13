import LinearAlgebra

/// The reference forward of `conv1d` / `conv2d` (groups = 1) over a batch: the batch's im2col matrices
/// side by side, `cols [K = C·kh·kw, B·N]` (`N = OH·OW`), one `gemm` `W [O, K] · cols → [O, B·N]`, then
/// permuted to `[B, O, N]` with the bias added. A 1-D convolution is the 2-D one over `[C, 1, T]`
/// (PyTorch's `[O, C, k]` weight has the memory of `[O, C, 1, k]`).
///
/// `ConvolutionKernel` (tiled im2col, fused BatchNorm / activation / pooling, the row-indexed
/// micro-kernel) is the serving optimisation of this function; tests hold it to this one.
package struct ConvolutionReference: Sendable {
    package let spec: ConvolutionSpec

    package init(spec: ConvolutionSpec) { self.spec = spec }

    package func geometry(_ input: ActivationShape) -> ConvolutionGeometry {
        ConvolutionGeometry(input: input, kernel: spec.kernelSize, stride: spec.stride, padding: spec.padding,
                            dilation: spec.dilation)
    }

    /// - Parameters:
    ///   - weight: `[O, C·kh·kw]` (PyTorch's `[O, C, kh, kw]` / `[O, C, k]`).
    ///   - bias: `[O]`, or nil.
    ///   - columns: receives the im2col matrix `[C·kh·kw, B·OH·OW]` (training keeps it for the weight
    ///     gradient); reused when it already has the size.
    package func forward(_ input: BatchTensor, weight: [Float], bias: [Float]?, columns: inout [Float]) -> BatchTensor {
        let g = geometry(input.shape)
        let (batch, n, k, o) = (input.batch, g.outputCount, g.patchSize, spec.outChannels)
        let ld = batch * n
        if columns.count != k * ld { columns = [Float](repeating: 0, count: k * ld) }
        input.values.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { cols in
                for b in 0..<batch {
                    im2col(x.baseAddress! + b * input.exampleCount, g, firstColumn: 0, columnCount: n, rowStride: ld,
                           into: cols.baseAddress! + b * n)
                }
            }
        }
        var product = [Float](repeating: 0, count: o * ld)
        weight.withUnsafeBufferPointer { w in
            columns.withUnsafeBufferPointer { cols in
                product.withUnsafeMutableBufferPointer { p in
                    // [O, K] · [K, B·N] → [O, B·N]
                    gemm(.none, .none, m: o, n: ld, k: k, a: w.baseAddress!, lda: k, b: cols.baseAddress!, ldb: ld,
                         c: p.baseAddress!, ldc: ld)
                }
            }
        }
        var output = BatchTensor(shape: g.outputShape(channels: o, like: input.shape), batch: batch)
        output.values.withUnsafeMutableBufferPointer { y in
            product.withUnsafeBufferPointer { p in
                for b in 0..<batch {
                    for c in 0..<o {
                        let source = p.baseAddress! + c * ld + b * n
                        let target = y.baseAddress! + (b * o + c) * n
                        let shift = bias?[c] ?? 0
                        for i in 0..<n { target[i] = source[i] + shift }
                    }
                }
            }
        }
        return output
    }
}

extension ConvolutionGeometry {
    /// The output activation shape with `channels` channels: `.channels [C, OW]` for a `.channels`
    /// input (1-D layers), `.planes [C, OH, OW]` otherwise.
    package func outputShape(channels: Int, like input: ActivationShape) -> ActivationShape {
        if case .channels = input { return .channels(channels: channels, time: outputWidth) }
        return .planes(channels: channels, height: outputHeight, width: outputWidth)
    }
}
