/// Linear prediction by the autocorrelation method: the Levinson-Durbin recursion on a frame's
/// autocorrelation gives the coefficients of `A(z) = 1 + a₁z⁻¹ + … + a_p z⁻ᵖ`, whose roots are
/// guaranteed inside the unit circle (a stable all-pole model).
enum LinearPrediction {
    /// Autocorrelation `r[0...order]` of `frame[0..<count]`, Double accumulation.
    static func autocorrelation(_ frame: UnsafePointer<Double>, count: Int, order: Int,
                                into r: UnsafeMutablePointer<Double>) {
        for lag in 0...order {
            var sum = 0.0
            var i = lag
            while i < count {
                sum += frame[i] * frame[i - lag]
                i += 1
            }
            r[lag] = sum
        }
    }

    /// Levinson-Durbin: writes `a[0...order]` with `a[0] = 1` and returns the final prediction error
    /// power, or nil when `r[0]` is zero (silence) or the recursion becomes unstable.
    /// `scratch` needs `order + 1` elements.
    static func levinsonDurbin(_ r: UnsafePointer<Double>, order: Int,
                               coefficients a: UnsafeMutablePointer<Double>,
                               scratch: UnsafeMutablePointer<Double>) -> Double? {
        guard r[0] > 0 else { return nil }
        a[0] = 1
        for i in 1...order { a[i] = 0 }
        var error = r[0]
        for i in 1...order {
            var accumulator = r[i]
            for j in 1..<i { accumulator += a[j] * r[i - j] }
            let reflection = -accumulator / error
            guard abs(reflection) < 1 else { return nil }
            for j in 0...i { scratch[j] = a[j] }
            for j in 1..<i { a[j] = scratch[j] + reflection * scratch[i - j] }
            a[i] = reflection
            error *= 1 - reflection * reflection
        }
        return error
    }
}
