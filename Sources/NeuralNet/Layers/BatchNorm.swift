/// Inference-time batch normalisation as a per-channel affine map `y = scale · x + shift`, with
/// `scale = γ / sqrt(running_var + ε)` and `shift = β − running_mean · scale`.
///
/// `Network` folds a BatchNorm that directly follows a conv or dense layer into that layer's weights;
/// this kernel handles the others (e.g. BatchNorm on the input, or after pooling).
struct BatchNormKernel: LayerKernel {
    let scale: [Float]
    let shift: [Float]

    /// From PyTorch's parameters (`weight` = γ, `bias` = β, each `[C]`).
    init(weight: [Float], bias: [Float], runningMean: [Float], runningVariance: [Float], epsilon: Float) {
        let scale = zip(weight, runningVariance).map { $0 / ($1 + epsilon).squareRoot() }
        self.scale = scale
        shift = (0..<scale.count).map { bias[$0] - runningMean[$0] * scale[$0] }
    }

    var isInPlace: Bool { true }
    func outputShape(_ input: ActivationShape) -> ActivationShape { input }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        scale.withUnsafeBufferPointer { scale in shift.withUnsafeBufferPointer { shift in
            switch shape {
            case .planes, .channels:
                // Channel-major: each channel is one contiguous run of H·W (or T) values.
                let channels = shape.dimensions[0]
                let run = shape.count / max(channels, 1)
                for c in 0..<channels {
                    let p = output + c * run
                    let (a, b) = (scale[c], shift[c])
                    for i in 0..<run { p[i] = a * p[i] + b }
                }
            case .sequence, .vector:
                // Feature-fastest: every row is one value per feature.
                let features = scale.count
                for r in 0..<(shape.count / max(features, 1)) {
                    let p = output + r * features
                    for i in 0..<features { p[i] = scale[i] * p[i] + shift[i] }
                }
            }
        } }
    }
}

/// Folds BatchNorm (`scale`, `shift` per output channel) into a preceding layer with weights
/// `[O, K]` and optional bias `[O]`: `W'[o, :] = scale[o] · W[o, :]`, `b'[o] = scale[o] · b[o] + shift[o]`.
func foldBatchNorm(weights: [Float], bias: [Float]?, into norm: BatchNormKernel) -> (weights: [Float], bias: [Float]) {
    let outputs = norm.scale.count
    let k = weights.count / outputs
    var folded = weights
    for o in 0..<outputs {
        for i in 0..<k { folded[o * k + i] *= norm.scale[o] }
    }
    let foldedBias = (0..<outputs).map { norm.scale[$0] * (bias?[$0] ?? 0) + norm.shift[$0] }
    return (folded, foldedBias)
}
