#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Vectorised elementwise math for the hot loops: eight Float lanes per step, no libm call per
/// element (glibc's `log10f` is a scalar call, ~20 instructions per value, and the log-mel matrix
/// has `melBandCount` values per frame).
enum VectorMath {
    /// `log10(x)` for positive, normal, finite `x` in every lane.
    ///
    /// `x = 2^e · m` with `m` in [√½, √2), `log10 x = (e + log2 m) · log10 2`, and
    /// `ln m = 2·atanh(z) = 2·(z + z³/3 + z⁵/5 + z⁷/7 + z⁹/9 + …)` with `z = (m − 1)/(m + 1)`,
    /// `|z| ≤ 0.1716`: the truncation error is below `2·|z|¹¹/11 ≈ 7e-10`, so the result carries only
    /// float32 rounding: absolute error ≤ ~2e-7 in `log10 x` (measured against Double `log10`:
    /// ≤ 3.6e-7 over [1e-10, 1e10]), i.e. ≤ ~4e-6 dB in `10·log10`.
    @inline(__always)
    static func log10(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        // Re-bias so the mantissa lands in [√½, √2): subtract the bit pattern of √½ first.
        let offset = bits &- 0x3F35_04F3
        let exponent = offset &>> 23
        let mantissaBits = (offset & 0x007F_FFFF) &+ 0x3F35_04F3
        let m = unsafeBitCast(mantissaBits, to: SIMD8<Float>.self)
        let z = (m - 1) / (m + 1)
        let z2 = z * z
        // 2·atanh(z) / ln 10 and log10(2), folded into the coefficients.
        let c1: Float = 0.868_588_963_806_503_7   // 2 / ln 10
        let c3: Float = 0.289_529_654_602_167_9   // 2 / (3 ln 10)
        let c5: Float = 0.173_717_792_761_300_7   // 2 / (5 ln 10)
        let c7: Float = 0.124_084_137_686_643_4   // 2 / (7 ln 10)
        let c9: Float = 0.096_509_884_867_389_3   // 2 / (9 ln 10)
        var polynomial = z2 * c9 + c7
        polynomial = polynomial * z2 + c5
        polynomial = polynomial * z2 + c3
        polynomial = polynomial * z2 + c1
        let log10Of2: Float = 0.301_029_995_663_981_2
        // Exact integer conversion, all lanes at once (a lane loop goes through memory).
        let e = SIMD8<Float>(exponent)
        return e * log10Of2 + polynomial * z
    }

    /// `√x` in every lane, correctly rounded (the same bits as `Float.squareRoot()`).
    ///
    /// On Linux `Float.squareRoot()` and `SIMD8.squareRoot()` compile to one scalar `sqrtss` per lane
    /// followed by a `sqrtf` call for negative inputs (C's errno semantics), so the lanes are never
    /// vectorised; on x86-64 this issues SSE `sqrtps` (baseline x86-64, no CPU-specific flags).
    @inline(__always)
    static func squareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
        #if arch(x86_64)
        SIMD8<Float>(lowHalf: _mm_sqrt_ps(x.lowHalf), highHalf: _mm_sqrt_ps(x.highHalf))
        #else
        x.squareRoot()
        #endif
    }

    /// In place, `values[i] = 10 · log10(max(floor, values[i]))` (power to dB), `floor > 0` normal.
    /// Lanes that are not finite (NaN, ∞ from a broken input) take the scalar `log10f` path.
    static func powerToDecibels(_ values: UnsafeMutableBufferPointer<Float>, floor: Float) {
        guard let base = values.baseAddress else { return }
        let raw = UnsafeMutableRawPointer(base)
        let floors = SIMD8<Float>(repeating: floor)
        let largest = SIMD8<Float>(repeating: .greatestFiniteMagnitude)
        let floorDecibels = SIMD8<Float>(repeating: 10 * log10f(floor))
        var i = 0
        while i + 8 <= values.count {
            let loaded = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let x = loaded.replacing(with: floors, where: loaded .< floors)  // max(floor, v); NaN stays (scalar path below)
            if any(x .> largest) || any(x .!= x) {
                for j in i..<(i + 8) { base[j] = 10 * log10f(max(floor, base[j])) }
            } else {
                // Floored values get exactly the scalar floor in dB (digital silence sits on it).
                let decibels = (10 * log10(x)).replacing(with: floorDecibels, where: x .== floors)
                raw.storeBytes(of: decibels, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            }
            i += 8
        }
        while i < values.count { base[i] = 10 * log10f(max(floor, base[i])); i += 1 }
    }

    /// Bit `l` set where lane `l` of `a` equals lane `l` of `b` (NaN equals nothing). On x86-64 a
    /// compare and a movemask per half: Swift's `.==` and `any` build the mask lane by lane through
    /// memory, a store-forwarding stall per use.
    @inline(__always)
    static func equalLanes(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> Int {
        #if arch(x86_64)
        Int(_mm_movemask_ps(_mm_cmpeq_ps(a.lowHalf, b.lowHalf))) | Int(_mm_movemask_ps(_mm_cmpeq_ps(a.highHalf, b.highHalf))) << 4
        #else
        (0..<8).reduce(0) { $0 | (a[$1] == b[$1] ? 1 << $1 : 0) }
        #endif
    }

    /// Lane-wise maximum of two vectors without NaN lanes (`maxps` on x86-64).
    @inline(__always)
    static func maximum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        #if arch(x86_64)
        SIMD8<Float>(lowHalf: _mm_max_ps(a.lowHalf, b.lowHalf), highHalf: _mm_max_ps(a.highHalf, b.highHalf))
        #else
        a.replacing(with: b, where: b .> a)
        #endif
    }

    /// The largest lane (no NaN lanes): the same value as `v.max()`, by halves (exact whatever the
    /// order, unlike a sum).
    @inline(__always)
    static func largestLane(_ v: SIMD8<Float>) -> Float {
        let four = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
        return two[1] > two[0] ? two[1] : two[0]
    }

    /// The 4×4 transpose of rows `a`-`d`: lane `i` of result `j` is lane `j` of row `i` (eight
    /// shuffles on x86-64: `_MM_TRANSPOSE4_PS`).
    @inline(__always)
    static func transpose(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>)
        -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        #if arch(x86_64)
        let t0 = _mm_unpacklo_ps(a, b), t1 = _mm_unpacklo_ps(c, d), t2 = _mm_unpackhi_ps(a, b), t3 = _mm_unpackhi_ps(c, d)
        return (_mm_movelh_ps(t0, t1), _mm_movehl_ps(t1, t0), _mm_movelh_ps(t2, t3), _mm_movehl_ps(t3, t2))
        #else
        (SIMD4(a[0], b[0], c[0], d[0]), SIMD4(a[1], b[1], c[1], d[1]), SIMD4(a[2], b[2], c[2], d[2]), SIMD4(a[3], b[3], c[3], d[3]))
        #endif
    }
}
