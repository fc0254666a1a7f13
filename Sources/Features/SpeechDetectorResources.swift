#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// The speech detector's read-only tables, built once per process (`shared`) and used by every
/// detector on every thread: the decimator's taps, the analysis window and its autocorrelation
/// correction, and the FFT plan of both 256-point transforms. A new detector therefore plans
/// nothing, computes no table and takes no lock; it only allocates its own state and scratch.
///
/// `@unchecked Sendable`: every buffer is written in `init` only and never freed (the object lives
/// as long as the process); the plan is a `RealFFTPlan`, which FFTW executes concurrently.
final class SpeechDetectorResources: @unchecked Sendable {
    /// The process's instance (made on first use, thread-safely, by Swift's lazy global).
    static let shared = SpeechDetectorResources()

    /// `DecimatingLowpass`'s `tapCount` taps `h[k]`, each repeated in four lanes (one aligned
    /// operand per tap in the filter loop).
    let decimatorTaps: UnsafeMutablePointer<SIMD4<Float>>
    /// The periodic Hann window of `SpeechFrameAnalyzer.windowLength` samples.
    let window: UnsafeMutablePointer<Float>
    /// `w(0) / w(τ)` for the window's autocorrelation `w`, `τ ≤ SpeechFrameAnalyzer.maxLag`.
    let windowCorrection: UnsafeMutablePointer<Float>
    /// The plan of `SpeechFrameAnalyzer.transformLength` points (FFTW_MEASURE, bounded; the first
    /// detector of the process pays for it, once).
    let fftPlan: RealFFTPlan

    init() {
        let taps = DecimatingLowpass.taps()
        decimatorTaps = .allocate(capacity: taps.count)
        decimatorTaps.initialize(from: taps.map { SIMD4<Float>(repeating: $0) }, count: taps.count)
        let length = SpeechFrameAnalyzer.windowLength, maxLag = SpeechFrameAnalyzer.maxLag
        let hann = AnalysisWindow.periodicHann(length: length)
        window = .allocate(capacity: length)
        window.initialize(from: hann.map(Float.init), count: length)
        let zeroLag = hann.reduce(0) { $0 + $1 * $1 }
        let correction = (0...maxLag).map { lag in
            Float(zeroLag / (0..<(length - lag)).reduce(0.0) { $0 + hann[$1] * hann[$1 + lag] })
        }
        windowCorrection = .allocate(capacity: correction.count)
        windowCorrection.initialize(from: correction, count: correction.count)
        fftPlan = RealFFTPlan(size: SpeechFrameAnalyzer.transformLength, planning: .measure)
    }
}
