import NeuralNet

/// Statistics pooling: NeuralNet's `StatisticsPoolingReference` forward (`[μ (D), σ (D)]` over time)
/// and its backward: `∂μ/∂x_t = 1/T`, `∂σ/∂x_t = (x_t − μ) / (T σ)` (0 where the variance is clamped at ε).
final class StatisticsPoolingLayer: TrainableLayer {
    let reference: StatisticsPoolingReference
    var parameters: [Parameter] { [] }
    private var cachedInput: BatchTensor?
    private var cachedStatistics: [Float] = []
    private var clamped: [Bool] = []

    init(spec: StatisticsPoolingSpec) { reference = StatisticsPoolingReference(spec: spec) }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedInput = input
        let result = reference.forward(input)
        clamped = result.clamped
        cachedStatistics = result.output.values
        return result.output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let input = cachedInput!
        let (d, t) = (input.shape.timeFeatures!, input.shape.time!)
        let (featureStride, timeStride) = input.shape.isFeatureMajor ? (t, 1) : (1, d)
        var inputGradient = BatchTensor(shape: input.shape, batch: input.batch)
        let inverseT = 1 / Float(t)
        input.values.withUnsafeBufferPointer { x in
            inputGradient.values.withUnsafeMutableBufferPointer { dx in
                for b in 0..<input.batch {
                    let base = b * input.exampleCount
                    for i in 0..<d {
                        let mean = cachedStatistics[b * 2 * d + i], std = cachedStatistics[b * 2 * d + d + i]
                        let dMean = outputGradient.values[b * 2 * d + i] * inverseT
                        let dStd = clamped[b * d + i] ? 0 : outputGradient.values[b * 2 * d + d + i] * inverseT / std
                        for s in 0..<t {
                            let index = base + i * featureStride + s * timeStride
                            dx[index] = dMean + dStd * (x[index] - mean)
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
