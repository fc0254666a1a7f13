/// The reference forward of statistics pooling over a batch: per example and feature, the mean and
/// standard deviation over time, `[μ (D), σ (D)]`, `σ = sqrt(max(var, ε))` with the population
/// variance (two passes), by `poolStatistics` example by example (the function `StatisticsPoolingKernel`
/// serves). Input per example feature-major `[D, T]` (planes as `[C·F, T]`, channels) or a sequence
/// `[T, D]`.
package struct StatisticsPoolingReference: Sendable {
    package let epsilon: Float

    package init(spec: StatisticsPoolingSpec) { epsilon = spec.epsilon }

    /// - Returns: the output `[B, 2D]` and, per example and feature, whether the variance was clamped
    ///   at ε (σ then has no gradient).
    package func forward(_ input: BatchTensor) -> (output: BatchTensor, clamped: [Bool]) {
        let d = input.shape.timeFeatures!
        var output = BatchTensor(shape: .vector(features: 2 * d), batch: input.batch)
        var clamped = [Bool](repeating: false, count: input.batch * d)
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                clamped.withUnsafeMutableBufferPointer { c in
                    for b in 0..<input.batch {
                        poolStatistics(x.baseAddress! + b * input.exampleCount, input.shape, epsilon: epsilon,
                                       into: y.baseAddress! + b * 2 * d, clamped: c.baseAddress! + b * d)
                    }
                }
            }
        }
        return (output, clamped)
    }
}
