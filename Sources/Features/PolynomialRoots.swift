#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A complex number in Double, just what root finding needs.
public struct ComplexDouble: Sendable, Equatable {
    public var real: Double
    public var imaginary: Double
    public init(_ real: Double, _ imaginary: Double) { self.real = real; self.imaginary = imaginary }

    public var magnitude: Double { hypot(real, imaginary) }
    public var argument: Double { atan2(imaginary, real) }

    @inline(__always) static func + (a: Self, b: Self) -> Self { Self(a.real + b.real, a.imaginary + b.imaginary) }
    @inline(__always) static func - (a: Self, b: Self) -> Self { Self(a.real - b.real, a.imaginary - b.imaginary) }
    @inline(__always) static func * (a: Self, b: Self) -> Self {
        Self(a.real * b.real - a.imaginary * b.imaginary, a.real * b.imaginary + a.imaginary * b.real)
    }
    @inline(__always) static func / (a: Self, b: Self) -> Self {
        // Smith's algorithm: no overflow for large |b|.
        if abs(b.real) >= abs(b.imaginary) {
            let ratio = b.imaginary / b.real, denominator = b.real + b.imaginary * ratio
            return Self((a.real + a.imaginary * ratio) / denominator, (a.imaginary - a.real * ratio) / denominator)
        } else {
            let ratio = b.real / b.imaginary, denominator = b.real * ratio + b.imaginary
            return Self((a.real * ratio + a.imaginary) / denominator, (a.imaginary * ratio - a.real) / denominator)
        }
    }
}

/// All complex roots of a real polynomial by the Aberth-Ehrlich simultaneous iteration (cubic
/// convergence for simple roots, linear but reliable for multiple ones), started on a circle whose
/// radius is the geometric mean of the roots' moduli, so every root is found at once without deflation.
public enum PolynomialRoots {
    /// Roots of `z^n + c[0]·z^(n−1) + … + c[n−1]` (monic, `c.count == n`). Returns `n` roots in no
    /// particular order. Roots at zero are detected exactly from trailing zero coefficients.
    public static func monic(_ c: [Double], maxIterations: Int = 200) -> [ComplexDouble] {
        var roots: [ComplexDouble] = []
        var degree = c.count
        while degree > 0 && c[degree - 1] == 0 { roots.append(ComplexDouble(0, 0)); degree -= 1 }
        guard degree > 0 else { return roots }
        var estimates = [ComplexDouble](repeating: ComplexDouble(0, 0), count: degree)
        c.withUnsafeBufferPointer { coefficients in
            estimates.withUnsafeMutableBufferPointer { z in
                _ = solve(coefficients.baseAddress!, degree: degree, roots: z.baseAddress!, maxIterations: maxIterations)
            }
        }
        roots.append(contentsOf: estimates)
        return roots
    }

    /// In-place solver over caller-owned storage (the formant tracker's per-frame path, no allocation).
    /// `c` holds `degree` coefficients of the monic polynomial; `z` receives `degree` roots.
    /// Returns the number of iterations used.
    @discardableResult
    static func solve(_ c: UnsafePointer<Double>, degree n: Int, roots z: UnsafeMutablePointer<ComplexDouble>,
                      maxIterations: Int) -> Int {
        if n == 1 { z[0] = ComplexDouble(-c[0], 0); return 0 }
        // Starting radius: geometric mean of root moduli, |c[n-1]|^(1/n), kept within the Cauchy bound.
        var cauchy = 0.0
        for i in 0..<n { cauchy = max(cauchy, abs(c[i])) }
        cauchy += 1
        let radius = min(max(pow(abs(c[n - 1]), 1 / Double(n)), 1e-3), cauchy)
        for k in 0..<n {
            let angle = 2 * Double.pi * Double(k) / Double(n) + 0.4
            z[k] = ComplexDouble(radius * cos(angle), radius * sin(angle))
        }
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            var largestStep = 0.0
            for i in 0..<n {
                let zi = z[i]
                // Horner for p(z) and p'(z).
                var p = ComplexDouble(1, 0), dp = ComplexDouble(0, 0)
                for k in 0..<n {
                    dp = dp * zi + p
                    p = p * zi + ComplexDouble(c[k], 0)
                }
                if p.real == 0 && p.imaginary == 0 { continue }
                let newton = p / dp
                var repulsion = ComplexDouble(0, 0)
                for j in 0..<n where j != i {
                    let difference = zi - z[j]
                    repulsion = repulsion + ComplexDouble(1, 0) / difference
                }
                let step = newton / (ComplexDouble(1, 0) - newton * repulsion)
                if !(step.real.isFinite && step.imaginary.isFinite) { continue }
                z[i] = zi - step
                // Squared relative step (no hypot in the hot loop): converged below (1e-14)².
                let stepNorm = step.real * step.real + step.imaginary * step.imaginary
                let rootNorm = max(1, zi.real * zi.real + zi.imaginary * zi.imaginary)
                largestStep = max(largestStep, stepNorm / rootNorm)
            }
            if largestStep < 1e-28 { break }
        }
        return iteration
    }
}
