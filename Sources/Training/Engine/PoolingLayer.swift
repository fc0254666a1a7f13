import NeuralNet

/// Max or average pooling, 1-D or 2-D: NeuralNet's `PoolingReference` forward and its backward. Max
/// pooling routes each output's gradient to the input index of its maximum (cached by the forward);
/// average pooling spreads it evenly over the window (`count_include_pad=True`).
final class PoolingLayer: TrainableLayer {
    let reference: PoolingReference
    var parameters: [Parameter] { [] }
    private var argmax: [Int32] = []
    private var cachedShape: ActivationShape = .vector(features: 0)
    private var cachedBatch = 0

    init(kind: PoolingKind, spec: PoolingSpec) {
        reference = PoolingReference(kind: kind, spec: spec)
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedShape = input.shape
        cachedBatch = input.batch
        return reference.forward(input, argmax: &argmax)
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        var inputGradient = BatchTensor(shape: cachedShape, batch: cachedBatch)
        guard needsInputGradient else { return inputGradient }
        let g = reference.geometry(cachedShape)
        let (h, w, oh, ow) = (g.height, g.width, g.outputHeight, g.outputWidth)
        let divisor = 1 / Float(g.kernelHeight * g.kernelWidth)
        outputGradient.values.withUnsafeBufferPointer { dy in
            inputGradient.values.withUnsafeMutableBufferPointer { dx in
                switch reference.kind {
                case .max:
                    for o in 0..<dy.count { dx[Int(argmax[o])] += dy[o] }
                case .average:
                    for p in 0..<(cachedBatch * g.channels) {
                        let plane = p * h * w
                        for oy in 0..<oh {
                            let rows = g.windowRows(oy)
                            for ox in 0..<ow {
                                let share = dy[(p * oh + oy) * ow + ox] * divisor
                                for r in rows { for q in g.windowColumns(ox) { dx[plane + r * w + q] += share } }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
