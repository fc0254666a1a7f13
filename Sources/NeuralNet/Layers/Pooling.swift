/// Max or average pooling over `[C, H, W]` (1-D pooling runs over `[C, 1, T]`), PyTorch semantics:
/// floor mode, max ignores padding, average divides by the full window (`count_include_pad=True`).
struct PoolingKernel: LayerKernel {
    enum Kind: Sendable { case max, average }
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
        let (c, h, w): (Int, Int, Int) = switch input {
        case let .planes(c, h, w): (c, h, w)
        case let .channels(c, t): (c, 1, t)
        default: preconditionFailure("pooling input must be planes or channels, got \(input)")
        }
        let oh = (h + 2 * padding.height - kernel.height) / stride.height + 1
        let ow = (w + 2 * padding.width - kernel.width) / stride.width + 1
        return (c, h, w, oh, ow)
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        let e = extents(input)
        return oneDimensional ? .channels(channels: e.c, time: e.ow) : .planes(channels: e.c, height: e.oh, width: e.ow)
    }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        let (channels, h, w, oh, ow) = extents(shape)
        let divisor = 1 / Float(kernel.height * kernel.width)
        for c in 0..<channels {
            let plane = input + c * h * w
            let out = output + c * oh * ow
            for y in 0..<oh {
                // Window rows clamped to the input once per output row: no per-element bounds tests.
                let y0 = y * stride.height - padding.height
                let rows = max(y0, 0)..<min(y0 + kernel.height, h)
                for x in 0..<ow {
                    let x0 = x * stride.width - padding.width
                    let columns = max(x0, 0)..<min(x0 + kernel.width, w)
                    switch kind {
                    case .max:
                        var m = -Float.infinity
                        for r in rows { let row = plane + r * w; for q in columns { m = max(m, row[q]) } }
                        out[y * ow + x] = m
                    case .average:
                        var s: Float = 0
                        for r in rows { let row = plane + r * w; for q in columns { s += row[q] } }
                        out[y * ow + x] = s * divisor
                    }
                }
            }
        }
    }
}
