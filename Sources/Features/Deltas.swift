import LinearAlgebra

/// Time derivatives of feature rows, librosa.feature.delta semantics: a Savitzky-Golay filter of
/// `width` frames, polynomial order equal to the derivative order, `mode="interp"`.
///
/// With polynomial order equal to the derivative order, the fitted polynomial's derivative is
/// constant, so scipy's "interp" edges (a fit over the first / last `width` frames) equal the first /
/// last fully-interior output; that is how the edges are filled here.
public enum Deltas {
    /// The `order`-th derivative of each row of `features` (`[rows, frames]`), per frame.
    ///
    /// librosa raises when `frames < width`; here the width shrinks to the largest odd value
    /// ≤ frames that still exceeds `order` (all-zero output when even that is impossible), so short
    /// clips still get deltas. Outputs equal librosa's whenever librosa accepts the input.
    public static func compute(_ features: Matrix, order: Int = 1, width: Int = 9) -> Matrix {
        precondition(order >= 1, "Deltas: order must be ≥ 1")
        precondition(width >= 3 && width % 2 == 1, "Deltas: width must be odd and ≥ 3")
        let frames = features.columns
        var result = Matrix(rows: features.rows, columns: frames)
        var effectiveWidth = min(width, frames % 2 == 1 ? frames : frames - 1)
        if effectiveWidth <= order { effectiveWidth = 0 }
        guard effectiveWidth >= 3 else { return result }
        let weights = savitzkyGolayWeights(width: effectiveWidth, derivative: order)
        let half = effectiveWidth / 2
        // Non-zero taps (index into the window, weight), accumulated in index order from zero as a
        // running `y += w·x` would: the same rounding, but in registers, eight frames per step.
        let taps = weights.enumerated().filter { $0.element != 0 }.map { (index: $0.offset, weight: Float($0.element)) }
        features.values.withUnsafeBufferPointer { input in
            result.values.withUnsafeMutableBufferPointer { output in
                taps.withUnsafeBufferPointer { taps in
                    for row in 0..<features.rows {
                        let x = input.baseAddress! + row * frames
                        let y = output.baseAddress! + row * frames
                        // y[half + t] = Σ_k w_k · x[t + k + half] over the interior frames.
                        let interior = frames - 2 * half
                        var t = 0
                        while t + 8 <= interior {
                            var sum = SIMD8<Float>()
                            for tap in taps {
                                sum += tap.weight * UnsafeRawPointer(x + t + tap.index).loadUnaligned(as: SIMD8<Float>.self)
                            }
                            UnsafeMutableRawPointer(y + half + t).storeBytes(of: sum, as: SIMD8<Float>.self)
                            t += 8
                        }
                        while t < interior {
                            var sum: Float = 0
                            for tap in taps { sum += tap.weight * x[t + tap.index] }
                            y[half + t] = sum
                            t += 1
                        }
                        for t in 0..<half { y[t] = y[half] }
                        for t in (frames - half)..<frames { y[t] = y[frames - half - 1] }
                    }
                }
            }
        }
        return result
    }

    /// Weights `w[k + half]` with `y[t] = Σ w · x[t + k]`, the `derivative`-th derivative at the centre
    /// of the least-squares polynomial of degree `derivative` through `width` points (unit spacing).
    static func savitzkyGolayWeights(width: Int, derivative: Int) -> [Double] {
        let half = width / 2, degree = derivative
        let terms = degree + 1
        // Normal equations (AᵀA) with A[k][j] = k^j; solve (AᵀA) X = Aᵀ and take row `derivative`.
        var normal = [Double](repeating: 0, count: terms * terms)
        var rightHandSides = [Double](repeating: 0, count: terms * width)
        for (column, k) in (-half...half).enumerated() {
            var powers = [Double](repeating: 1, count: 2 * terms)
            for j in 1..<(2 * terms) { powers[j] = powers[j - 1] * Double(k) }
            for i in 0..<terms {
                for j in 0..<terms { normal[i * terms + j] += powers[i + j] }
                rightHandSides[i * width + column] = powers[i]
            }
        }
        // Gauss-Jordan elimination with partial pivoting (the system is tiny and well conditioned).
        for pivotColumn in 0..<terms {
            var pivot = pivotColumn
            for r in pivotColumn..<terms where abs(normal[r * terms + pivotColumn]) > abs(normal[pivot * terms + pivotColumn]) { pivot = r }
            if pivot != pivotColumn {
                for j in 0..<terms { normal.swapAt(pivot * terms + j, pivotColumn * terms + j) }
                for j in 0..<width { rightHandSides.swapAt(pivot * width + j, pivotColumn * width + j) }
            }
            let diagonal = normal[pivotColumn * terms + pivotColumn]
            for j in 0..<terms { normal[pivotColumn * terms + j] /= diagonal }
            for j in 0..<width { rightHandSides[pivotColumn * width + j] /= diagonal }
            for r in 0..<terms where r != pivotColumn {
                let factor = normal[r * terms + pivotColumn]
                if factor == 0 { continue }
                for j in 0..<terms { normal[r * terms + j] -= factor * normal[pivotColumn * terms + j] }
                for j in 0..<width { rightHandSides[r * width + j] -= factor * rightHandSides[pivotColumn * width + j] }
            }
        }
        var factorial = 1.0
        if derivative > 1 { for i in 2...derivative { factorial *= Double(i) } }
        return (0..<width).map { rightHandSides[derivative * width + $0] * factorial }
    }
}
