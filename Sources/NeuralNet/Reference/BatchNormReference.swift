/// The reference forward of batch normalisation over the channel axis (planes, channels) or feature
/// axis (sequences, vectors) of a batch, with a training and an evaluation mode (as mlx-swift's
/// `BatchNorm` switches on `training` inside one forward).
///
/// Training: statistics over every example and position of the batch (biased variance for the
/// normalisation, sums in Float64), and the running statistics move by `momentum` (PyTorch's 0.1,
/// unbiased variance): `running = (1 − m)·running + m·batch`. Evaluation: the running statistics,
/// `y = γ (x − running_mean) / sqrt(running_var + ε) + β`. `BatchNormKernel` (a per-channel affine map,
/// folded into a preceding conv / dense layer where there is one) is the serving form of evaluation.
package struct BatchNormReference: Sendable {
    package let epsilon: Float
    package let momentum: Float

    package init(spec: BatchNormSpec, momentum: Float = 0.1) {
        epsilon = spec.epsilon
        self.momentum = momentum
    }

    /// - Parameters:
    ///   - weight, bias: γ and β, `[C]`.
    ///   - runningMean, runningVariance: `[C]`; updated in training mode.
    ///   - normalized: receives `x̂ = (x − mean) / σ` (what the backward pass needs).
    /// - Returns: the output and `1 / σ` per channel.
    package func forward(_ input: BatchTensor, weight: [Float], bias: [Float], runningMean: inout [Float],
                         runningVariance: inout [Float], mode: ForwardMode,
                         normalized: inout [Float]) -> (output: BatchTensor, inverseStd: [Float]) {
        let channels = input.shape.normalizationLayout.channels
        var mean = [Float](repeating: 0, count: channels)
        var inverseStd = [Float](repeating: 0, count: channels)
        if mode == .training {
            let (batchMean, variance, count) = batchStatistics(input)
            for c in 0..<channels {
                mean[c] = Float(batchMean[c])
                inverseStd[c] = Float(1 / (variance[c] + Double(epsilon)).squareRoot())
                let unbiased = count > 1 ? variance[c] * count / (count - 1) : variance[c]
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c]
                runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * Float(unbiased)
            }
        } else {
            for c in 0..<channels {
                mean[c] = runningMean[c]
                inverseStd[c] = 1 / (runningVariance[c] + epsilon).squareRoot()
            }
        }
        let output = normalize(input, mean: mean, inverseStd: inverseStd, weight: weight, bias: bias, normalized: &normalized)
        return (output, inverseStd)
    }

    /// Per-channel batch mean and biased variance (two passes, sums in Float64) and the number of
    /// values each covers.
    private func batchStatistics(_ input: BatchTensor) -> (mean: [Double], variance: [Double], count: Double) {
        let (outer, channels, inner) = input.shape.normalizationLayout
        let rows = input.batch * outer  // independent [channels, inner] blocks
        let count = Double(rows * inner)
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
            let mean = sums.map { Float($0 / count) }
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
        return (sums.map { $0 / count }, squares.map { $0 / count }, count)
    }

    /// `x̂ = (x − mean)·inverseStd` into `normalized`, and `γ x̂ + β` as the output.
    private func normalize(_ input: BatchTensor, mean: [Float], inverseStd: [Float], weight: [Float], bias: [Float],
                           normalized: inout [Float]) -> BatchTensor {
        let (outer, channels, inner) = input.shape.normalizationLayout
        if normalized.count != input.values.count { normalized = [Float](repeating: 0, count: input.values.count) }
        var output = input
        output.values.withUnsafeMutableBufferPointer { y in
            normalized.withUnsafeMutableBufferPointer { xhat in
                for r in 0..<(input.batch * outer) {
                    for c in 0..<channels {
                        let base = (r * channels + c) * inner
                        let (m, s, g, b) = (mean[c], inverseStd[c], weight[c], bias[c])
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
}
