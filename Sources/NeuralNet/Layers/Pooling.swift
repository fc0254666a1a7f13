/// Max or average pooling over `[C, H, W]` (1-D pooling runs over `[C, 1, T]`), PyTorch semantics:
/// floor mode, max ignores padding, average divides by the full window (`count_include_pad=True`).
struct PoolingKernel: LayerKernel {
    typealias Kind = PoolingKind
    let kind: Kind
    let oneDimensional: Bool
    let kernel: (height: Int, width: Int)
    let stride: (height: Int, width: Int)
    let padding: (height: Int, width: Int)

    init(kind: Kind, spec: PoolingSpec, oneDimensional: Bool) {
        self.kind = kind
        self.oneDimensional = oneDimensional
        let last = spec.kernelSize.count - 1
        kernel = (oneDimensional ? 1 : spec.kernelSize[0], spec.kernelSize[last])
        stride = (oneDimensional ? 1 : spec.stride[0], spec.stride[last])
        padding = (oneDimensional ? 0 : spec.padding[0], spec.padding[last])
    }

    private func extents(_ input: ActivationShape) -> (c: Int, h: Int, w: Int, oh: Int, ow: Int) {
        let (c, h, w) = input.planeExtents
        let g = ConvolutionGeometry(channels: c, height: h, width: w, kernelHeight: kernel.height, kernelWidth: kernel.width,
                                    strideHeight: stride.height, strideWidth: stride.width,
                                    paddingHeight: padding.height, paddingWidth: padding.width)
        return (c, h, w, g.outputHeight, g.outputWidth)
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        let e = extents(input)
        return oneDimensional ? .channels(channels: e.c, time: e.ow) : .planes(channels: e.c, height: e.oh, width: e.ow)
    }

    func scratchCount(_ input: ActivationShape, tiling: ConvolutionTiling) -> Int { extents(input).w }

    /// Separable: each output row first reduces its window's input rows into one row of width W
    /// (contiguous, vectorisable), then reduces that row horizontally; the common non-overlapping
    /// 1- and 2-wide horizontal windows have their own branch-free loops.
    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        let (channels, h, w, oh, ow) = extents(shape)
        let isMax = kind == .max
        let divisor = 1 / Float(kernel.height * kernel.width)
        let row = scratch  // [W]: the vertical reduction of one output row's window
        for c in 0..<channels {
            let plane = input + c * h * w
            let out = output + c * oh * ow
            for y in 0..<oh {
                let y0 = y * stride.height - padding.height
                let first = max(y0, 0), end = min(y0 + kernel.height, h)
                row.update(from: plane + first * w, count: w)
                var r = first + 1
                while r < end {
                    let source = plane + r * w
                    if isMax {
                        for q in 0..<w { row[q] = max(row[q], source[q]) }
                    } else {
                        for q in 0..<w { row[q] += source[q] }
                    }
                    r += 1
                }
                let target = out + y * ow
                if padding.width == 0 && stride.width == kernel.width && kernel.width <= 2 {
                    if kernel.width == 1 {
                        target.update(from: row, count: ow)
                    } else if isMax {
                        for x in 0..<ow { target[x] = max(row[2 * x], row[2 * x + 1]) }
                    } else {
                        for x in 0..<ow { target[x] = row[2 * x] + row[2 * x + 1] }
                    }
                } else {
                    for x in 0..<ow {
                        let x0 = x * stride.width - padding.width
                        var q = max(x0, 0)
                        let qEnd = min(x0 + kernel.width, w)
                        var value = row[q]
                        q += 1
                        while q < qEnd {
                            value = isMax ? max(value, row[q]) : value + row[q]
                            q += 1
                        }
                        target[x] = value
                    }
                }
                if !isMax { for x in 0..<ow { target[x] *= divisor } }
            }
        }
    }
}
