import CFFTW
import Synchronization

/// FFTW's planner and plan destruction are not thread-safe; only execution is. Every plan in the
/// process is made and destroyed under this lock.
private let fftwPlannerLock = Mutex(())

/// Seconds FFTW may spend timing candidate algorithms for one `.measure` plan. The sizes used here
/// (256-2048) reach their fastest measured plans well within it.
let measuredPlanTimeLimitSeconds = 0.02

/// How hard FFTW searches for a fast algorithm when a `RealFFT` is planned.
public enum FFTPlanning: Sendable {
    /// FFTW_ESTIMATE: an op-count heuristic, no timing runs; instant and the same plan in every
    /// process. Measured 1.3-1.6x slower to execute than `.measure` for sizes 512-2048 (Xeon, AVX).
    case estimate
    /// FFTW_MEASURE: times candidate algorithms the first time a size is planned in the process
    /// (bounded to 20 ms per plan, see `measuredPlanTimeLimitSeconds`); later plans of that size reuse FFTW's
    /// in-process wisdom and are instant and identical. Different processes may pick different
    /// algorithms, so results can differ in the last bits between processes (not within one).
    case measure
}

/// A forward real-to-complex FFT of one fixed size, planned once and executed many times.
///
/// Holds its own SIMD-aligned input and output buffers, so a frame loop does no allocation: write
/// `size` samples into `input`, call `execute()`, read `size/2 + 1` bins from `real`/`imaginary` or
/// let `powerSpectrum(into:)` compute `|X|²`. Not thread-safe: each worker owns its own instance.
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
    private let plan: fftwf_plan

    public init(size: Int, planning: FFTPlanning = .estimate) {
        precondition(size > 0, "RealFFT size must be positive, got \(size)")
        self.size = size
        let realBuffer = fftwf_alloc_real(size)!
        realBuffer.initialize(repeating: 0, count: size)
        let complex = fftwf_alloc_complex(size / 2 + 1)!
        input = realBuffer
        output = UnsafeMutableRawPointer(complex).bindMemory(to: Float.self, capacity: 2 * (size / 2 + 1))
        plan = Self.makePlan(size: size, input: realBuffer, output: complex, planning: planning)
        // FFTW_MEASURE scribbles on the buffers while timing.
        realBuffer.update(repeating: 0, count: size)
    }

    /// `.estimate` plans are instant and deterministic; `.measure` plans run timing trials once per
    /// size and process (see `FFTPlanning`).
    private static func makePlan(
        size: Int, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<fftwf_complex>,
        planning: FFTPlanning
    ) -> fftwf_plan {
        nonisolated(unsafe) let (input, output) = (input, output)
        let effort = planning == .measure ? FFTW_MEASURE : FFTW_ESTIMATE
        return fftwPlannerLock.withLock { _ in
            // Bound the timing trials: FFTW keeps the best plan found within the limit, so a cold
            // process is ready to serve in milliseconds instead of half a second.
            fftwf_set_timelimit(planning == .measure ? measuredPlanTimeLimitSeconds : -1)
            nonisolated(unsafe) let plan = fftwf_plan_dft_r2c_1d(
                Int32(size), input, output, UInt32(effort | FFTW_DESTROY_INPUT))!
            return plan
        }
    }

    deinit {
        fftwPlannerLock.withLock { _ in fftwf_destroy_plan(plan) }
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Runs the transform of `input` (which it may overwrite).
    public func execute() {
        fftwf_execute(plan)
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
