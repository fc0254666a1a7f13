import CFFTW
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// One planned forward real FFT size: the FFTW plan and, for even sizes, the split step's twiddles.
/// Immutable once made, so one plan serves every `RealFFT(plan:)` on every thread: FFTW's new-array
/// execute functions are its thread-safe routines, and each `RealFFT` passes its own buffers. Planning
/// (and destroying the plan) takes the process-wide planner lock; executing does not.
///
/// Even sizes are planned as a complex FFT of `size/2` points over the input read as (even, odd)
/// pairs (see `RealFFT`); odd sizes as FFTW's r2c. Plans are made on `fftwf_alloc` buffers, so any
/// `RealFFT`'s buffers (allocated the same way) have the alignment the plan assumes.
public final class RealFFTPlan: @unchecked Sendable {
    // @unchecked: the plan and the twiddle tables are written in `init` only; FFTW executes a plan
    // concurrently when each caller passes its own arrays.

    /// Transform length in samples.
    public let size: Int
    let plan: fftwf_plan
    /// Whether the plan is the half-size complex FFT of an even size (else FFTW's r2c).
    let isHalfSizeComplex: Bool
    /// Even sizes: `cos(2πk/size)`, `sin(2πk/size)` for `k < size/2`; `nil` for odd sizes.
    let twiddleCosine: UnsafeMutablePointer<Float>?
    let twiddleSine: UnsafeMutablePointer<Float>?

    /// Plans a transform of `size` samples (see `FFTPlanning` for what `planning` costs).
    public init(size: Int, planning: FFTPlanning = .estimate) {
        precondition(size > 0, "RealFFT size must be positive, got \(size)")
        self.size = size
        isHalfSizeComplex = size % 2 == 0 && size >= 4
        // Planning buffers: FFTW_MEASURE scribbles on them; executions use their callers' own.
        let real = fftwf_alloc_real(size)!
        let complex = fftwf_alloc_complex(size / 2 + 1)!
        defer {
            fftwf_free(real)
            fftwf_free(complex)
        }
        if isHalfSizeComplex {
            let half = size / 2
            let cosine = UnsafeMutablePointer<Float>.allocate(capacity: half)
            let sine = UnsafeMutablePointer<Float>.allocate(capacity: half)
            for k in 0..<half {
                let angle = 2 * Double.pi * Double(k) / Double(size)
                cosine[k] = Float(cos(angle))
                sine[k] = Float(sin(angle))
            }
            twiddleCosine = cosine
            twiddleSine = sine
            let pairs = UnsafeMutablePointer<fftwf_complex>(OpaquePointer(real))
            plan = Self.withPlanner(planning) { effort in fftwf_plan_dft_1d(Int32(half), pairs, complex, FFTW_FORWARD, effort)! }
        } else {
            twiddleCosine = nil
            twiddleSine = nil
            plan = Self.withPlanner(planning) { effort in fftwf_plan_dft_r2c_1d(Int32(size), real, complex, effort)! }
        }
    }

    deinit {
        fftwPlannerLock.withLock { _ in fftwf_destroy_plan(plan) }
        twiddleCosine?.deallocate()
        twiddleSine?.deallocate()
    }

    /// Runs `makePlan` under the planner lock with the flags of `planning` (and FFTW_DESTROY_INPUT):
    /// `.estimate` plans are instant and deterministic; `.measure` plans run timing trials once per
    /// size and process (see `FFTPlanning`).
    private static func withPlanner(_ planning: FFTPlanning, _ makePlan: (UInt32) -> fftwf_plan) -> fftwf_plan {
        let effort = UInt32((planning == .estimate ? FFTW_ESTIMATE : FFTW_MEASURE) | FFTW_DESTROY_INPUT)
        return fftwPlannerLock.withLock { _ in
            // Bound the timing trials of `.measure`: FFTW keeps the best plan found within the limit,
            // so a cold process is ready to serve in milliseconds instead of half a second.
            fftwf_set_timelimit(planning == .measure ? measuredPlanTimeLimitSeconds : -1)
            nonisolated(unsafe) let plan = makePlan(effort)
            return plan
        }
    }
}
