import CFFTW
import Synchronization

/// FFTW's planner and plan destruction are not thread-safe; only execution is. Every plan in the
/// process is made and destroyed under this lock.
private let fftwPlannerLock = Mutex(())

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
    /// Interleaved complex output, `binCount` pairs (re, im).
    private let output: UnsafeMutablePointer<Float>
    private let plan: fftwf_plan

    public init(size: Int) {
        precondition(size > 0, "RealFFT size must be positive, got \(size)")
        self.size = size
        let realBuffer = fftwf_alloc_real(size)!
        realBuffer.initialize(repeating: 0, count: size)
        let complex = fftwf_alloc_complex(size / 2 + 1)!
        input = realBuffer
        output = UnsafeMutableRawPointer(complex).bindMemory(to: Float.self, capacity: 2 * (size / 2 + 1))
        plan = Self.makePlan(size: size, input: realBuffer, output: complex)
    }

    /// FFTW_ESTIMATE: no timing runs, so plans are instant and deterministic (start-up stays fast);
    /// for the sizes we use (256-2048) the plan is within a few percent of an FFTW_MEASURE one.
    private static func makePlan(
        size: Int, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<fftwf_complex>
    ) -> fftwf_plan {
        nonisolated(unsafe) let (input, output) = (input, output)
        return fftwPlannerLock.withLock { _ in
            nonisolated(unsafe) let plan = fftwf_plan_dft_r2c_1d(
                Int32(size), input, output, UInt32(FFTW_ESTIMATE | FFTW_DESTROY_INPUT))!
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
    @inline(__always) public func real(_ k: Int) -> Float { output[2 * k] }
    /// Imaginary part of bin `k` after `execute()`.
    @inline(__always) public func imaginary(_ k: Int) -> Float { output[2 * k + 1] }

    /// Writes `|X[k]|²` for the `binCount` bins of the last transform into `power`.
    public func powerSpectrum(into power: UnsafeMutablePointer<Float>) {
        for k in 0..<binCount {
            let re = output[2 * k], im = output[2 * k + 1]
            power[k] = re * re + im * im
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
