/// Mean and standard deviation over time, output `[mean(D), std(D)]` with
/// `std = sqrt(max(var, ε))` (population variance, two passes for accuracy).
///
/// The input is feature-major `[D, T]` (`.planes` viewed as `[C·F, T]`, `.channels`) or a `.sequence`
/// `[T, D]`.
struct StatisticsPoolingKernel: LayerKernel {
    let epsilon: Float

    func outputShape(_ input: ActivationShape) -> ActivationShape { .vector(features: 2 * input.timeFeatures!) }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        poolStatistics(input, shape, epsilon: epsilon, into: output)
    }
}

/// The statistics of one example (`shape`, feature-major or a sequence) into `output` `[μ (D), σ (D)]`:
/// the one implementation of the layer, used by the kernel and, example by example, by
/// `StatisticsPoolingReference`.
/// - Parameter clamped: if given, receives per feature whether the variance was clamped at ε.
func poolStatistics(_ input: UnsafePointer<Float>, _ shape: ActivationShape, epsilon: Float,
                    into output: UnsafeMutablePointer<Float>, clamped: UnsafeMutablePointer<Bool>? = nil) {
    let (d, t) = (shape.timeFeatures!, shape.time!)
    let mean = output, std = output + d
    let inverseT = 1 / Float(t)
    if case .sequence = shape {
        mean.update(repeating: 0, count: d)
        std.update(repeating: 0, count: d)
        for s in 0..<t { let row = input + s * d; for i in 0..<d { mean[i] += row[i] } }
        for i in 0..<d { mean[i] *= inverseT }
        for s in 0..<t {
            let row = input + s * d
            for i in 0..<d { let x = row[i] - mean[i]; std[i] += x * x }
        }
        for i in 0..<d {
            let variance = std[i] * inverseT
            clamped?[i] = variance <= epsilon
            std[i] = max(variance, epsilon).squareRoot()
        }
    } else {
        for i in 0..<d {
            let row = input + i * t
            var sum: Float = 0
            for s in 0..<t { sum += row[s] }
            let m = sum * inverseT
            var squares: Float = 0
            for s in 0..<t { let x = row[s] - m; squares += x * x }
            let variance = squares * inverseT
            clamped?[i] = variance <= epsilon
            mean[i] = m
            std[i] = max(variance, epsilon).squareRoot()
        }
    }
}
