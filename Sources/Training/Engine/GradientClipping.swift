/// Clips the global L2 norm of all trainable gradients to `maximumNorm` (PyTorch
/// `clip_grad_norm_`): if the norm exceeds it, every gradient is scaled by `maximumNorm / norm`.
/// Returns the norm before clipping (logged: a useful health signal).
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maximumNorm: Float) -> Float {
    var sum = 0.0
    for p in parameters where p.trainable {
        for g in p.gradient { sum += Double(g) * Double(g) }
    }
    let norm = Float(sum.squareRoot())
    if maximumNorm > 0, norm > maximumNorm {
        let scale = maximumNorm / (norm + 1e-6)
        for p in parameters where p.trainable {
            for i in p.gradient.indices { p.gradient[i] *= scale }
        }
    }
    return norm
}
