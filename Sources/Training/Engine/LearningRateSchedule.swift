#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The learning rate as a function of the optimisation step (one step per batch).
public enum LearningRateSchedule: Sendable, Equatable {
    /// Linear warm-up from ~0 to `peak` over `warmupSteps`, then a half cosine down to `minimum` at
    /// `totalSteps` (and `minimum` after).
    case warmupCosine(peak: Float, minimum: Float, warmupSteps: Int, totalSteps: Int)
    /// `peak · gamma^⌊step / stepSize⌋`, after the same linear warm-up.
    case step(peak: Float, gamma: Float, stepSize: Int, warmupSteps: Int)
    case constant(Float)

    /// The rate for (0-based) `step`.
    public func rate(at step: Int) -> Float {
        switch self {
        case let .warmupCosine(peak, minimum, warmup, total):
            if step < warmup { return peak * Float(step + 1) / Float(warmup) }
            let span = max(total - warmup, 1)
            let progress = min(Float(step - warmup) / Float(span), 1)
            return minimum + (peak - minimum) * 0.5 * (1 + cosf(Float.pi * progress))
        case let .step(peak, gamma, stepSize, warmup):
            if step < warmup { return peak * Float(step + 1) / Float(warmup) }
            return peak * powf(gamma, Float((step - warmup) / max(stepSize, 1)))
        case let .constant(rate):
            return rate
        }
    }
}
