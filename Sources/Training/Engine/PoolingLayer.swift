import NeuralNet

/// Max or average pooling, 1-D or 2-D, PyTorch semantics (floor mode; max ignores padding; average
/// divides by the whole window, `count_include_pad=True`). Max pooling caches the input index of
/// every output's maximum and routes the gradient there; average pooling spreads it evenly.
final class PoolingLayer: TrainableLayer {
    enum Kind { case max, average }
    let kind: Kind
    let spec: PoolingSpec
    let oneDimensional: Bool
    var parameters: [Parameter] { [] }
    private var argmax: [Int32] = []
    private var cachedShape: ActivationShape = .vector(features: 0)
    private var cachedBatch = 0

    init(kind: Kind, spec: PoolingSpec, oneDimensional: Bool) {
        self.kind = kind
        self.spec = spec
        self.oneDimensional = oneDimensional
    }

    private func geometry(_ input: ActivationShape) -> PatchGeometry {
        let (c, h, w): (Int, Int, Int) = switch input {
        case let .planes(c, h, w): (c, h, w)
        case let .channels(c, t): (c, 1, t)
        default: preconditionFailure("pooling needs planes or channels, got \(input)")
        }
        let last = spec.kernelSize.count - 1
        return PatchGeometry(
            channels: c, height: h, width: w,
            kernelHeight: oneDimensional ? 1 : spec.kernelSize[0], kernelWidth: spec.kernelSize[last],
            strideHeight: oneDimensional ? 1 : spec.stride[0], strideWidth: spec.stride[last],
            paddingHeight: oneDimensional ? 0 : spec.padding[0], paddingWidth: spec.padding[last])
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        let g = geometry(input)
        return oneDimensional
            ? .channels(channels: g.channels, time: g.outputWidth)
            : .planes(channels: g.channels, height: g.outputHeight, width: g.outputWidth)
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        let g = geometry(input.shape)
        cachedShape = input.shape
        cachedBatch = input.batch
        var output = BatchTensor(shape: outputShape(input.shape), batch: input.batch)
        let planes = input.batch * g.channels
        let (h, w, oh, ow) = (g.height, g.width, g.outputHeight, g.outputWidth)
        if kind == .max { argmax = [Int32](repeating: 0, count: output.values.count) }
        let divisor = 1 / Float(g.kernelHeight * g.kernelWidth)
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                for p in 0..<planes {
                    let plane = p * h * w
                    for oy in 0..<oh {
                        let y0 = oy * g.strideHeight - g.paddingHeight
                        let rows = max(y0, 0)..<min(y0 + g.kernelHeight, h)
                        for ox in 0..<ow {
                            let x0 = ox * g.strideWidth - g.paddingWidth
                            let columns = max(x0, 0)..<min(x0 + g.kernelWidth, w)
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

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        var inputGradient = BatchTensor(shape: cachedShape, batch: cachedBatch)
        guard needsInputGradient else { return inputGradient }
        let g = geometry(cachedShape)
        let (h, w, oh, ow) = (g.height, g.width, g.outputHeight, g.outputWidth)
        let divisor = 1 / Float(g.kernelHeight * g.kernelWidth)
        outputGradient.values.withUnsafeBufferPointer { dy in
            inputGradient.values.withUnsafeMutableBufferPointer { dx in
                switch kind {
                case .max:
                    for o in 0..<dy.count { dx[Int(argmax[o])] += dy[o] }
                case .average:
                    for p in 0..<(cachedBatch * g.channels) {
                        let plane = p * h * w
                        for oy in 0..<oh {
                            let y0 = oy * g.strideHeight - g.paddingHeight
                            let rows = max(y0, 0)..<min(y0 + g.kernelHeight, h)
                            for ox in 0..<ow {
                                let x0 = ox * g.strideWidth - g.paddingWidth
                                let columns = max(x0, 0)..<min(x0 + g.kernelWidth, w)
                                let share = dy[(p * oh + oy) * ow + ox] * divisor
                                for r in rows { for q in columns { dx[plane + r * w + q] += share } }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
