import NeuralNet

/// Batch normalisation over the channel axis (planes, channels) or feature axis (sequences, vectors).
///
/// Training: statistics over every example and position of the batch (biased variance for the
/// normalisation), then the running statistics move by `momentum` (PyTorch's 0.1, unbiased variance):
/// `running = (1 − m)·running + m·batch`. Evaluation: the running statistics, exactly NeuralNet's
/// inference map. Backward (training): `dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂))`.
final class BatchNormLayer: TrainableLayer {
    let epsilon: Float
    let momentum: Float
    let weight: Parameter, bias: Parameter, runningMean: Parameter, runningVariance: Parameter
    var parameters: [Parameter] { [weight, bias, runningMean, runningVariance] }

    private var normalized: [Float] = []
    private var inverseStd: [Float] = []
    private var cachedMode: ForwardMode = .training
    private var cachedShape: ActivationShape = .vector(features: 0)
    private var cachedBatch = 0

    init(epsilon: Float, momentum: Float = 0.1, weight: Parameter, bias: Parameter, runningMean: Parameter, runningVariance: Parameter) {
        self.epsilon = epsilon
        self.momentum = momentum
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVariance = runningVariance
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape { input }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        let (outer, channels, inner) = input.shape.normalizationLayout
        let rows = input.batch * outer  // independent [channels, inner] blocks
        let count = Double(rows * inner)
        cachedMode = mode
        cachedShape = input.shape
        cachedBatch = input.batch
        var output = input
        var mean = [Float](repeating: 0, count: channels)
        var invStd = [Float](repeating: 0, count: channels)
        if mode == .training {
            var sums = [Double](repeating: 0, count: channels)
            var squares = [Double](repeating: 0, count: channels)
            input.values.withUnsafeBufferPointer { x in
                for r in 0..<rows {
                    for c in 0..<channels {
                        let p = x.baseAddress! + (r * channels + c) * inner
                        var s: Float = 0
                        for i in 0..<inner { s += p[i] }
                        sums[c] += Double(s)
                    }
                }
                for c in 0..<channels { mean[c] = Float(sums[c] / count) }
                for r in 0..<rows {
                    for c in 0..<channels {
                        let p = x.baseAddress! + (r * channels + c) * inner
                        let m = mean[c]
                        var s: Float = 0
                        for i in 0..<inner { let d = p[i] - m; s += d * d }
                        squares[c] += Double(s)
                    }
                }
            }
            for c in 0..<channels {
                let variance = squares[c] / count
                invStd[c] = Float(1 / (variance + Double(epsilon)).squareRoot())
                let unbiased = count > 1 ? variance * count / (count - 1) : variance
                runningMean.value[c] = (1 - momentum) * runningMean.value[c] + momentum * mean[c]
                runningVariance.value[c] = (1 - momentum) * runningVariance.value[c] + momentum * Float(unbiased)
            }
        } else {
            for c in 0..<channels {
                mean[c] = runningMean.value[c]
                invStd[c] = 1 / (runningVariance.value[c] + epsilon).squareRoot()
            }
        }
        inverseStd = invStd
        if normalized.count != input.values.count { normalized = [Float](repeating: 0, count: input.values.count) }
        let (gamma, beta) = (weight.value, bias.value)
        output.values.withUnsafeMutableBufferPointer { y in
            normalized.withUnsafeMutableBufferPointer { xhat in
                for r in 0..<rows {
                    for c in 0..<channels {
                        let base = (r * channels + c) * inner
                        let (m, s, g, b) = (mean[c], invStd[c], gamma[c], beta[c])
                        for i in base..<(base + inner) {
                            let h = (y[i] - m) * s
                            xhat[i] = h
                            y[i] = g * h + b
                        }
                    }
                }
            }
        }
        return output
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
