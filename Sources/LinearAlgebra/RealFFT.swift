import CFFTW
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// FFTW's planner and plan destruction are not thread-safe; only execution is. Every plan in the
/// process is made and destroyed under this lock (`RealFFTPlan`).
let fftwPlannerLock = Mutex(())

/// Seconds FFTW may spend timing candidate algorithms for one `.measure` plan: enough for a decent
/// plan of the sizes used here (256-2048) while a cold server gets ready in tens of milliseconds; the
/// fastest plans come from `refineFFTPlans(sizes:)` (no limit), which servers run in the background.
let measuredPlanTimeLimitSeconds = 0.01

/// How hard FFTW searches for a fast algorithm when a `RealFFT` is planned.
public enum FFTPlanning: Sendable {
    /// FFTW_ESTIMATE: an op-count heuristic, no timing runs; instant and the same plan in every
    /// process, but slower to execute than `.measure` (docs/architecture.md has the figures).
    case estimate
    /// FFTW_MEASURE: times candidate algorithms the first time a size is planned in the process
    /// (bounded to 10 ms per plan, see `measuredPlanTimeLimitSeconds`); later plans of that size reuse FFTW's
    /// in-process wisdom and are instant and identical. Different processes may pick different
    /// algorithms, so results can differ in the last bits between processes (not within one).
    case measure
    /// FFTW_MEASURE without a time limit: the fastest plan FFTW knows, at about 100 ms of planning
    /// per size. Its wisdom stays in the process, so later `.measure`
    /// plans of the same size are instant and get the same algorithm: see `refineFFTPlans(sizes:)`.
    case exhaustive
}

/// Plans every transform `RealFFT(size:)` would need for `sizes` without a time limit and discards
/// the plans, keeping only FFTW's in-process wisdom: every `.measure` plan made afterwards for these
/// sizes is instant and uses the fastest algorithm found. Run it off the request path (a server does
/// it in the background once it is ready); returns the time it took.
@discardableResult
public func refineFFTPlans(sizes: [Int]) -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    for size in Set(sizes) where size > 0 { _ = RealFFT(size: size, planning: .exhaustive) }
    return clock.now - start
}

/// A forward real-to-complex FFT of one fixed size, planned once and executed many times.
///
/// Holds its own SIMD-aligned input and output buffers, so a frame loop does no allocation: write
/// `size` samples into `input`, call `execute()`, read `size/2 + 1` bins from `real`/`imaginary` or
/// let `powerSpectrum(into:)` compute `|X|²`. Not thread-safe: each worker owns its own instance.
///
/// Even sizes run as one complex FFT of `M = size/2` points over the input read as `M` interleaved
/// (even, odd) sample pairs, then the split step `X[k] = E[k] + e^{−2πik/size}·O[k]` (the DFTs of the
/// even and odd samples, `E[k] = (Z[k] + conj Z[M−k])/2`, `O[k] = (Z[k] − conj Z[M−k])/(2i)`) in
/// eight-bin SIMD steps. That is the algorithm FFTW's own r2c plans use, but the Debian FFTW build
/// runs its split step with SSE2 codelets only, which makes its r2c two to three times slower than
/// the complex FFT of half the size. Odd sizes use FFTW's r2c directly.
///
/// The plan and the twiddles live in a `RealFFTPlan`, which any number of instances (on any threads)
/// may share: `RealFFT(plan:)` only allocates its buffers, so a short-lived instance costs no
/// planning and takes no lock.
public final class RealFFT {
    /// Transform length in samples (any positive size; FFTW is fastest for products of small primes).
    public let size: Int
    /// Number of complex output bins, `size / 2 + 1` (DC to Nyquist).
    public var binCount: Int { size / 2 + 1 }
    /// Input buffer of `size` samples; overwritten by the caller before each `execute()`.
    public let input: UnsafeMutablePointer<Float>
    /// Interleaved complex output, `binCount` pairs (re, im). Inlinable so per-bin reads in callers'
    /// loops compile to plain loads instead of cross-module calls.
    @usableFromInline let output: UnsafeMutablePointer<Float>
    /// The shared plan and twiddles.
    public let plan: RealFFTPlan
    /// Even sizes: the half-size complex FFT's output, `size/2` interleaved pairs (`nil` for odd sizes).
    private let halfSpectrum: UnsafeMutablePointer<Float>?
    /// Even sizes: the split step's twiddles `cos(2πk/size)`, `sin(2πk/size)` for `k < size/2`
    /// (the plan's, read-only).
    private let twiddleCosine: UnsafeMutablePointer<Float>?
    private let twiddleSine: UnsafeMutablePointer<Float>?

    /// An instance with its own plan (planned now; see `FFTPlanning`).
    public convenience init(size: Int, planning: FFTPlanning = .estimate) {
        self.init(plan: RealFFTPlan(size: size, planning: planning))
    }

    /// An instance executing a shared plan on its own buffers: no planning, no lock.
    public init(plan: RealFFTPlan) {
        let size = plan.size
        self.size = size
        self.plan = plan
        let realBuffer = fftwf_alloc_real(size)!
        realBuffer.initialize(repeating: 0, count: size)
        let complex = fftwf_alloc_complex(size / 2 + 1)!
        input = realBuffer
        output = UnsafeMutableRawPointer(complex).bindMemory(to: Float.self, capacity: 2 * (size / 2 + 1))
        output.initialize(repeating: 0, count: 2 * (size / 2 + 1))
        if plan.isHalfSizeComplex {
            halfSpectrum = UnsafeMutableRawPointer(fftwf_alloc_complex(size / 2)!).bindMemory(to: Float.self, capacity: size)
            halfSpectrum!.initialize(repeating: 0, count: size)
        } else {
            halfSpectrum = nil
        }
        twiddleCosine = plan.twiddleCosine
        twiddleSine = plan.twiddleSine
    }

    deinit {
        fftwf_free(input)
        fftwf_free(output)
        if let halfSpectrum { fftwf_free(halfSpectrum) }
    }

    /// Runs the plan on this instance's buffers (FFTW's new-array execute: thread-safe for a shared plan).
    @inline(__always)
    private func executePlan() {
        if let halfSpectrum {
            // FFTW reads the caller's samples as `size/2` (even, odd) pairs: the same bytes, C's view.
            fftwf_execute_dft(plan.plan, UnsafeMutablePointer<fftwf_complex>(OpaquePointer(input)),
                              UnsafeMutablePointer<fftwf_complex>(OpaquePointer(halfSpectrum)))
        } else {
            fftwf_execute_dft_r2c(plan.plan, input, UnsafeMutablePointer<fftwf_complex>(OpaquePointer(output)))
        }
    }

    /// Runs the transform of `input` (which it may overwrite); all `binCount` bins.
    public func execute() {
        execute(binsBelow: binCount)
    }

    /// Runs the transform of `input` (which it may overwrite) but fills only bins `0..<count` of the
    /// output (even sizes; odd sizes fill all): for callers that read a low band only.
    public func execute(binsBelow count: Int) {
        executePlan()
        if let halfSpectrum, let twiddleCosine, let twiddleSine {
            split(halfSpectrum, cosine: twiddleCosine, sine: twiddleSine, binsBelow: min(count, binCount))
        }
    }

    /// Runs the transform of `input` (which it may overwrite) and writes `|X[k]|²` for the `binCount`
    /// bins into `power`, without the interleaved output (even sizes; `real`/`imaginary` are then
    /// stale). Odd sizes: `execute()` then `powerSpectrum(into:)`.
    public func executePowerSpectrum(into power: UnsafeMutablePointer<Float>) {
        guard let halfSpectrum, let twiddleCosine, let twiddleSine else {
            execute()
            powerSpectrum(into: power)
            return
        }
        executePlan()
        splitPower(halfSpectrum, cosine: twiddleCosine, sine: twiddleSine, into: power)
    }

    /// Runs the transform of `input` (which it may overwrite) and writes the real parts of bins
    /// `0..<count` to `real` (the interleaved output is then stale for even sizes): for the transform
    /// of an even sequence, whose spectrum is real (an autocorrelation from a power or amplitude
    /// spectrum). The same values as `execute(binsBelow:)` then `real(k)`, with half the split step.
    public func executeRealParts(binsBelow count: Int, into real: UnsafeMutablePointer<Float>) {
        guard let halfSpectrum, let twiddleCosine, let twiddleSine else {
            execute()
            for k in 0..<min(count, binCount) { real[k] = output[2 * k] }
            return
        }
        executePlan()
        let m = size / 2, z = halfSpectrum
        real[0] = z[0] + z[1]
        if count > m { real[m] = z[0] - z[1] }
        let end = min(count, m)
        let raw = UnsafeRawPointer(z), target = UnsafeMutableRawPointer(real)
        let cosines = UnsafeRawPointer(twiddleCosine), sines = UnsafeRawPointer(twiddleSine)
        var k = 1
        while k + 8 <= end {
            let (parts, _) = Self.butterflies(raw, at: k, m: m, cosines: cosines, sines: sines)
            target.storeBytes(of: parts.sum, toByteOffset: 4 * k, as: SIMD8<Float>.self)
            k += 8
        }
        while k < end {
            let (parts, _) = Self.butterfly(
                a: z[2 * k], b: z[2 * k + 1], c: z[2 * (m - k)], d: z[2 * (m - k) + 1], cosine: twiddleCosine[k], sine: twiddleSine[k])
            real[k] = parts.sum
            k += 1
        }
    }

    /// Runs the transform of `input` (which it may overwrite) and writes the power spectrum folded
    /// about bin `M/2`, `M = size/2`: `sum[k] = P[k] + P[M−k]` and `difference[k] = P[k] − P[M−k]`
    /// for `k` in `0...M/2`, with `P[k] = |X[k]|²` (`real`/`imaginary` are then stale for even
    /// sizes). What a DCT-I of the power spectrum (an autocorrelation) consumes; even sizes get the
    /// pairs straight from the split step, without storing `P` in bin order.
    public func executeFoldedPowerSpectrum(sum: UnsafeMutablePointer<Float>, difference: UnsafeMutablePointer<Float>) {
        let m = size / 2
        guard let halfSpectrum, let twiddleCosine, let twiddleSine else {
            execute()
            for k in 0...(m / 2) {
                let low = output[2 * k] * output[2 * k] + output[2 * k + 1] * output[2 * k + 1]
                let high = output[2 * (m - k)] * output[2 * (m - k)] + output[2 * (m - k) + 1] * output[2 * (m - k) + 1]
                sum[k] = low + high
                difference[k] = low - high
            }
            return
        }
        executePlan()
        let z = halfSpectrum
        let dc = (z[0] + z[1]) * (z[0] + z[1]), nyquist = (z[0] - z[1]) * (z[0] - z[1])
        sum[0] = dc + nyquist
        difference[0] = dc - nyquist
        let raw = UnsafeRawPointer(z), sums = UnsafeMutableRawPointer(sum), differences = UnsafeMutableRawPointer(difference)
        let cosines = UnsafeRawPointer(twiddleCosine), sines = UnsafeRawPointer(twiddleSine)
        var k = 1
        // Bins k..<k+8 and M−k−7...M−k per step (as in `splitPower`); lane l of `high` is P[M−k−l].
        while 2 * k + 14 < m {
            let (real, imaginary) = Self.butterflies(raw, at: k, m: m, cosines: cosines, sines: sines)
            let low = real.sum * real.sum + imaginary.sum * imaginary.sum
            let high = real.difference * real.difference + imaginary.difference * imaginary.difference
            sums.storeBytes(of: low + high, toByteOffset: 4 * k, as: SIMD8<Float>.self)
            differences.storeBytes(of: low - high, toByteOffset: 4 * k, as: SIMD8<Float>.self)
            k += 8
        }
        if k <= m - k && m >= 16 {
            // The last (at most eight) bins as one step ending at M/2; lanes are independent, so the
            // bins it computes again come out the same.
            let last = m / 2 - 7
            let (real, imaginary) = Self.butterflies(raw, at: last, m: m, cosines: cosines, sines: sines)
            let low = real.sum * real.sum + imaginary.sum * imaginary.sum
            let high = real.difference * real.difference + imaginary.difference * imaginary.difference
            sums.storeBytes(of: low + high, toByteOffset: 4 * last, as: SIMD8<Float>.self)
            differences.storeBytes(of: low - high, toByteOffset: 4 * last, as: SIMD8<Float>.self)
            k = m / 2 + 1
        }
        while k <= m - k {
            let (real, imaginary) = Self.butterfly(
                a: z[2 * k], b: z[2 * k + 1], c: z[2 * (m - k)], d: z[2 * (m - k) + 1],
                cosine: twiddleCosine[k], sine: twiddleSine[k])
            let low = real.sum * real.sum + imaginary.sum * imaginary.sum
            let high = real.difference * real.difference + imaginary.difference * imaginary.difference
            sum[k] = low + high
            difference[k] = low - high
            k += 1
        }
    }

    /// `butterfly` for bins `k..<k+8` at once: `Z[k..<k+8]` loaded forward, `Z[M−k−7...M−k]` loaded as
    /// one vector and reversed, twiddles `k..<k+8`.
    @inline(__always)
    private static func butterflies(_ raw: UnsafeRawPointer, at k: Int, m: Int, cosines: UnsafeRawPointer, sines: UnsafeRawPointer)
        -> (real: (sum: SIMD8<Float>, difference: SIMD8<Float>), imaginary: (sum: SIMD8<Float>, difference: SIMD8<Float>)) {
        let forward = raw.loadUnaligned(fromByteOffset: 8 * k, as: SIMD16<Float>.self)
        let backward = raw.loadUnaligned(fromByteOffset: 8 * (m - k - 7), as: SIMD16<Float>.self)
        return butterfly(
            a: forward.evenHalf, b: forward.oddHalf, c: reversed(backward.evenHalf), d: reversed(backward.oddHalf),
            cosine: cosines.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self),
            sine: sines.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self))
    }

    /// The split step of even sizes: interleaved bins `0..<count` of `output` from the `M = size/2`
    /// bins `Z` of the half-size complex FFT (see the type's documentation). With `Z[k] = (a, b)` and
    /// `Z[M−k] = (c, d)`: `E = ((a + c)/2, (b − d)/2)`, `O = ((b + d)/2, (c − a)/2)` and
    /// `X[k] = E + (cos θ − i sin θ)·O`, `θ = 2πk/size`.
    private func split(_ z: UnsafeMutablePointer<Float>, cosine: UnsafeMutablePointer<Float>,
                       sine: UnsafeMutablePointer<Float>, binsBelow count: Int) {
        let m = size / 2
        // DC and Nyquist: E[0] = Re Z[0], O[0] = Im Z[0].
        output[0] = z[0] + z[1]
        output[1] = 0
        if count > m {
            output[2 * m] = z[0] - z[1]
            output[2 * m + 1] = 0
        }
        let end = min(count, m)
        let raw = UnsafeRawPointer(z), target = UnsafeMutableRawPointer(output)
        let cosines = UnsafeRawPointer(cosine), sines = UnsafeRawPointer(sine)
        var k = 1
        // Eight bins per step: Z[k..<k+8] forward, Z[M−k−7...M−k] loaded as a vector and reversed.
        while k + 8 <= end {
            let (real, imaginary) = Self.butterflies(raw, at: k, m: m, cosines: cosines, sines: sines)
            var interleaved = SIMD16<Float>()
            interleaved.evenHalf = real.sum
            interleaved.oddHalf = imaginary.sum
            target.storeBytes(of: interleaved, toByteOffset: 8 * k, as: SIMD16<Float>.self)
            k += 8
        }
        while k < end {
            let (real, imaginary) = Self.butterfly(
                a: z[2 * k], b: z[2 * k + 1], c: z[2 * (m - k)], d: z[2 * (m - k) + 1], cosine: cosine[k], sine: sine[k])
            output[2 * k] = real.sum
            output[2 * k + 1] = imaginary.sum
            k += 1
        }
    }

    /// The split step straight to power, bins in symmetric pairs: with `E` and `W·O` as in `split`,
    /// `X[k] = E + W·O` and `X[M−k] = conj(E − W·O)` (since `E[M−k] = conj E[k]`, `O[M−k] = conj O[k]`
    /// and `W^(M−k) = −conj W^k`), so one pass over `k ≤ M/2` yields both halves.
    private func splitPower(_ z: UnsafeMutablePointer<Float>, cosine: UnsafeMutablePointer<Float>,
                            sine: UnsafeMutablePointer<Float>, into power: UnsafeMutablePointer<Float>) {
        let m = size / 2
        power[0] = (z[0] + z[1]) * (z[0] + z[1])
        power[m] = (z[0] - z[1]) * (z[0] - z[1])
        let raw = UnsafeRawPointer(z), target = UnsafeMutableRawPointer(power)
        let cosines = UnsafeRawPointer(cosine), sines = UnsafeRawPointer(sine)
        var k = 1
        // Bins k..<k+8 and M−k−7...M−k per step while the two blocks do not overlap.
        while 2 * k + 14 < m {
            let (real, imaginary) = Self.butterflies(raw, at: k, m: m, cosines: cosines, sines: sines)
            let low = real.sum * real.sum + imaginary.sum * imaginary.sum
            let high = real.difference * real.difference + imaginary.difference * imaginary.difference
            target.storeBytes(of: low, toByteOffset: 4 * k, as: SIMD8<Float>.self)
            target.storeBytes(of: Self.reversed(high), toByteOffset: 4 * (m - k - 7), as: SIMD8<Float>.self)
            k += 8
        }
        if k <= m - k && m >= 16 {
            // The last (at most eight) pairs as one step ending at M/2 (bins done already come out the
            // same: lanes are independent). For even M both halves hold bin M/2; the second store
            // wins, as in the scalar loop (`P[M−k]` written after `P[k]`).
            let last = m / 2 - 7
            let (real, imaginary) = Self.butterflies(raw, at: last, m: m, cosines: cosines, sines: sines)
            let low = real.sum * real.sum + imaginary.sum * imaginary.sum
            let high = real.difference * real.difference + imaginary.difference * imaginary.difference
            target.storeBytes(of: low, toByteOffset: 4 * last, as: SIMD8<Float>.self)
            target.storeBytes(of: Self.reversed(high), toByteOffset: 4 * (m - last - 7), as: SIMD8<Float>.self)
            k = m / 2 + 1
        }
        while k <= m - k {
            let (real, imaginary) = Self.butterfly(
                a: z[2 * k], b: z[2 * k + 1], c: z[2 * (m - k)], d: z[2 * (m - k) + 1], cosine: cosine[k], sine: sine[k])
            power[k] = real.sum * real.sum + imaginary.sum * imaginary.sum
            power[m - k] = real.difference * real.difference + imaginary.difference * imaginary.difference
            k += 1
        }
    }

    /// `E ± W·O` of the split step, lane-wise: `.sum` is `X[k]`, `.difference` is `conj X[M−k]`.
    @inline(__always)
    private static func butterfly<V: SIMD>(a: V, b: V, c: V, d: V, cosine: V, sine: V)
        -> (real: (sum: V, difference: V), imaginary: (sum: V, difference: V)) where V.Scalar == Float {
        let evenReal = (a + c) * 0.5, evenImaginary = (b - d) * 0.5
        let oddReal = (b + d) * 0.5, oddImaginary = (c - a) * 0.5
        // (cos θ − i·sin θ)·(oddReal + i·oddImaginary)
        let rotatedReal = cosine * oddReal + sine * oddImaginary
        let rotatedImaginary = cosine * oddImaginary - sine * oddReal
        return ((evenReal + rotatedReal, evenReal - rotatedReal), (evenImaginary + rotatedImaginary, evenImaginary - rotatedImaginary))
    }

    @inline(__always)
    private static func butterfly(a: Float, b: Float, c: Float, d: Float, cosine: Float, sine: Float)
        -> (real: (sum: Float, difference: Float), imaginary: (sum: Float, difference: Float)) {
        let evenReal = (a + c) * 0.5, evenImaginary = (b - d) * 0.5
        let oddReal = (b + d) * 0.5, oddImaginary = (c - a) * 0.5
        let rotatedReal = cosine * oddReal + sine * oddImaginary
        let rotatedImaginary = cosine * oddImaginary - sine * oddReal
        return ((evenReal + rotatedReal, evenReal - rotatedReal), (evenImaginary + rotatedImaginary, evenImaginary - rotatedImaginary))
    }

    @inline(__always)
    private static func reversed(_ v: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8<Float>(v[7], v[6], v[5], v[4], v[3], v[2], v[1], v[0])
    }

    /// Real part of bin `k` after `execute()`.
    @inlinable @inline(__always) public func real(_ k: Int) -> Float { output[2 * k] }
    /// Imaginary part of bin `k` after `execute()`.
    @inlinable @inline(__always) public func imaginary(_ k: Int) -> Float { output[2 * k + 1] }

    /// Writes `|X[k]|²` for the `binCount` bins of the last transform into `power`; eight bins per
    /// step (de-interleaving SIMD16 loads), then the rest one by one.
    public func powerSpectrum(into power: UnsafeMutablePointer<Float>) {
        let count = binCount
        let raw = UnsafeRawPointer(output)
        var k = 0
        while k + 8 <= count {
            let pairs = raw.loadUnaligned(fromByteOffset: 8 * k, as: SIMD16<Float>.self)
            let re = pairs.evenHalf, im = pairs.oddHalf
            UnsafeMutableRawPointer(power + k).storeBytes(of: re * re + im * im, as: SIMD8<Float>.self)
            k += 8
        }
        while k < count {
            let re = output[2 * k], im = output[2 * k + 1]
            power[k] = re * re + im * im
            k += 1
        }
    }

    /// Writes the complex bins of the last transform as separate real and imaginary arrays.
    public func spectrum(real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>) {
        for k in 0..<binCount {
            real[k] = output[2 * k]
            imaginary[k] = output[2 * k + 1]
        }
    }
}
