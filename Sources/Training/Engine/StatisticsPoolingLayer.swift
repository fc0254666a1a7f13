import NeuralNet

/// Mean and standard deviation over time per feature, `[μ (D), σ (D)]`, `σ = sqrt(max(var, ε))` with
/// the population variance. Input per example feature-major `[D, T]` (planes as `[C·F, T]`, channels)
/// or a sequence `[T, D]`.
///
/// Backward: `∂μ/∂x_t = 1/T`, `∂σ/∂x_t = (x_t − μ) / (T σ)` (0 where the variance is clamped at ε).
final class StatisticsPoolingLayer: TrainableLayer {
    let epsilon: Float
    var parameters: [Parameter] { [] }
    private var cachedInput: BatchTensor?
    private var cachedStatistics: [Float] = []
    private var clamped: [Bool] = []

    init(epsilon: Float) { self.epsilon = epsilon }

    func outputShape(_ input: ActivationShape) -> ActivationShape { .vector(features: 2 * input.featuresPerStep!) }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedInput = input
        let (d, t) = (input.shape.featuresPerStep!, input.shape.time!)
        let (featureStride, timeStride) = input.shape.isFeatureMajor ? (t, 1) : (1, d)
        var output = BatchTensor(shape: outputShape(input.shape), batch: input.batch)
        clamped = [Bool](repeating: false, count: input.batch * d)
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
        cachedStatistics = output.values
        return output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let input = cachedInput!
        let (d, t) = (input.shape.featuresPerStep!, input.shape.time!)
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
