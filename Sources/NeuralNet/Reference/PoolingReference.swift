/// Max or average pooling.
package enum PoolingKind: Sendable { case max, average }

/// The reference forward of max / average pooling, 1-D or 2-D, over a batch, PyTorch semantics (floor
/// mode; max ignores padding; average divides by the whole window, `count_include_pad=True`).
///
/// `PoolingKernel` (separable rows) and the pooling fused into `ConvolutionKernel` are the serving
/// optimisations of this function.
package struct PoolingReference: Sendable {
    package let kind: PoolingKind
    package let spec: PoolingSpec

    package init(kind: PoolingKind, spec: PoolingSpec) {
        self.kind = kind
        self.spec = spec
    }

    package func geometry(_ input: ActivationShape) -> ConvolutionGeometry {
        ConvolutionGeometry(input: input, kernel: spec.kernelSize, stride: spec.stride, padding: spec.padding)
    }

    /// - Parameter argmax: for max pooling, receives the flat input index (into the whole batch) of every
    ///   output's maximum, which training routes the gradient to; untouched for average pooling.
    package func forward(_ input: BatchTensor, argmax: inout [Int32]) -> BatchTensor {
        let g = geometry(input.shape)
        var output = BatchTensor(shape: g.outputShape(channels: g.channels, like: input.shape), batch: input.batch)
        let (h, w, oh, ow) = (g.height, g.width, g.outputHeight, g.outputWidth)
        if kind == .max { argmax = [Int32](repeating: 0, count: output.values.count) }
        let divisor = 1 / Float(g.kernelHeight * g.kernelWidth)
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                for p in 0..<(input.batch * g.channels) {
                    let plane = p * h * w
                    for oy in 0..<oh {
                        let rows = g.windowRows(oy)
                        for ox in 0..<ow {
                            let columns = g.windowColumns(ox)
                            let o = (p * oh + oy) * ow + ox
                            switch kind {
                            case .max:
                                var best = -Float.infinity
                                var index = plane + rows.lowerBound * w + columns.lowerBound
                                for r in rows {
                                    for q in columns where x[plane + r * w + q] > best {
                                        best = x[plane + r * w + q]
                                        index = plane + r * w + q
                                    }
                                }
                                y[o] = best
                                argmax[o] = Int32(index)
                            case .average:
                                var s: Float = 0
                                for r in rows { for q in columns { s += x[plane + r * w + q] } }
                                y[o] = s * divisor
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

extension ConvolutionGeometry {
    /// Input rows inside the window of output row `oy` (padding excluded; dilation 1).
    package func windowRows(_ oy: Int) -> Range<Int> {
        let y0 = oy * strideHeight - paddingHeight
        return max(y0, 0)..<min(y0 + kernelHeight, height)
    }

    /// Input columns inside the window of output column `ox` (padding excluded; dilation 1).
    package func windowColumns(_ ox: Int) -> Range<Int> {
        let x0 = ox * strideWidth - paddingWidth
        return max(x0, 0)..<min(x0 + kernelWidth, width)
    }
}
