/// The reference forward of statistics pooling over a batch: per example and feature, the mean and
/// standard deviation over time, `[μ (D), σ (D)]`, `σ = sqrt(max(var, ε))` with the population
/// variance (two passes). Input per example feature-major `[D, T]` (planes as `[C·F, T]`, channels) or
/// a sequence `[T, D]`. `StatisticsPoolingKernel` is its single-example serving form.
package struct StatisticsPoolingReference: Sendable {
    package let epsilon: Float

    package init(spec: StatisticsPoolingSpec) { epsilon = spec.epsilon }

    /// - Returns: the output `[B, 2D]` and, per example and feature, whether the variance was clamped
    ///   at ε (σ then has no gradient).
    package func forward(_ input: BatchTensor) -> (output: BatchTensor, clamped: [Bool]) {
        let (d, t) = (input.shape.timeFeatures!, input.shape.time!)
        let (featureStride, timeStride) = input.shape.isFeatureMajor ? (t, 1) : (1, d)
        var output = BatchTensor(shape: .vector(features: 2 * d), batch: input.batch)
        var clamped = [Bool](repeating: false, count: input.batch * d)
        let inverseT = 1 / Float(t)
        input.values.withUnsafeBufferPointer { x in
            for b in 0..<input.batch {
                let base = x.baseAddress! + b * input.exampleCount
                for i in 0..<d {
                    let p = base + i * featureStride
                    var sum: Float = 0
                    for s in 0..<t { sum += p[s * timeStride] }
                    let mean = sum * inverseT
                    var squares: Float = 0
                    for s in 0..<t { let v = p[s * timeStride] - mean; squares += v * v }
                    let variance = squares * inverseT
                    clamped[b * d + i] = variance <= epsilon
                    output.values[b * 2 * d + i] = mean
                    output.values[b * 2 * d + d + i] = max(variance, epsilon).squareRoot()
                }
            }
        }
        return (output, clamped)
    }
}
