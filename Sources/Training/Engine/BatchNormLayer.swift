import NeuralNet

/// Batch normalisation: NeuralNet's `BatchNormReference` forward (batch statistics and the running
/// update in training, running statistics in evaluation) and its backward. Training:
/// `dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂))`; evaluation: `dx = γ/σ · dy`.
final class BatchNormLayer: TrainableLayer {
    let reference: BatchNormReference
    let weight: Parameter, bias: Parameter, runningMean: Parameter, runningVariance: Parameter
    var parameters: [Parameter] { [weight, bias, runningMean, runningVariance] }

    private var normalized: [Float] = []
    private var inverseStd: [Float] = []
    private var cachedMode: ForwardMode = .training
    private var cachedShape: ActivationShape = .vector(features: 0)
    private var cachedBatch = 0

    init(spec: BatchNormSpec, weight: Parameter, bias: Parameter, runningMean: Parameter, runningVariance: Parameter) {
        reference = BatchNormReference(spec: spec)
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVariance = runningVariance
    }

    /// Layer `index`'s parameters from `store`; initially γ = 1, β = 0, running mean 0, running
    /// variance 1 (PyTorch's). The running statistics are buffers, not trained.
    convenience init(spec: BatchNormSpec, layer index: Int, parameters store: ParameterStore) {
        self.init(spec: spec, weight: store.parameter(index, "weight", .constant(1)),
                  bias: store.parameter(index, "bias", .constant(0)),
                  runningMean: store.parameter(index, "running_mean", .constant(0), trainable: false),
                  runningVariance: store.parameter(index, "running_var", .constant(1), trainable: false))
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedMode = mode
        cachedShape = input.shape
        cachedBatch = input.batch
        let result = reference.forward(input, weight: weight.value, bias: bias.value, runningMean: &runningMean.value,
                                       runningVariance: &runningVariance.value, mode: mode, normalized: &normalized)
        inverseStd = result.inverseStd
        return result.output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let (outer, channels, inner) = cachedShape.normalizationLayout
        let rows = cachedBatch * outer
        var sumDy = [Float](repeating: 0, count: channels)
        var sumDyXhat = [Float](repeating: 0, count: channels)
        outputGradient.values.withUnsafeBufferPointer { dy in
            normalized.withUnsafeBufferPointer { xhat in
                for r in 0..<rows {
                    for c in 0..<channels {
                        let base = (r * channels + c) * inner
                        var (a, b): (Float, Float) = (0, 0)
                        for i in base..<(base + inner) { a += dy[i]; b += dy[i] * xhat[i] }
                        sumDy[c] += a
                        sumDyXhat[c] += b
                    }
                }
            }
        }
        for c in 0..<channels {
            weight.gradient[c] += sumDyXhat[c]
            bias.gradient[c] += sumDy[c]
        }
        var inputGradient = outputGradient
        guard needsInputGradient else { return inputGradient }
        let n = Float(rows * inner)
        let training = cachedMode == .training
        let gamma = weight.value
        inputGradient.values.withUnsafeMutableBufferPointer { dx in
            normalized.withUnsafeBufferPointer { xhat in
                for r in 0..<rows {
                    for c in 0..<channels {
                        let base = (r * channels + c) * inner
                        let scale = gamma[c] * inverseStd[c]
                        if training {
                            let (meanDy, meanDyXhat) = (sumDy[c] / n, sumDyXhat[c] / n)
                            for i in base..<(base + inner) { dx[i] = scale * (dx[i] - meanDy - xhat[i] * meanDyXhat) }
                        } else {
                            for i in base..<(base + inner) { dx[i] *= scale }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
