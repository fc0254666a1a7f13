import LinearAlgebra

/// Short-time power spectra `|STFT|²`, stored one frame per row: `frames` is `[frameCount, binCount]`.
///
/// This frame-major layout is the transpose of librosa's `[bins, frames]`: every frame is written
/// contiguously by the FFT, and the filterbank products read it with `gemm(.none, .transposed)`,
/// producing `[bands, frames]` results in librosa's convention without a transpose pass.
public struct PowerSpectrogram: Sendable, Equatable {
    /// `[frameCount, binCount]` power values (squared magnitude, no scaling).
    public var frames: Matrix
    public var frameCount: Int { frames.rows }
    public var binCount: Int { frames.columns }

    public init(frames: Matrix) { self.frames = frames }

    /// The spectrogram in librosa's `[binCount, frameCount]` layout (a copy).
    public func binsByFrames() -> Matrix { frames.transposed() }
}

/// Computes centred, Hann-windowed power spectra with one FFT plan and no per-frame allocation.
/// Not thread-safe (owns the FFT buffers); one per extractor.
final class SpectrumAnalyzer {
    let fftLength: Int
    let framing: CentredFrames
    private let fft: RealFFT
    /// The periodic Hann window of `windowLength` zero-padded centred to `fftLength`.
    private let window: [Float]
    /// Range of `window` that is not zero padding.
    private let windowSupport: Range<Int>

    init(fftLength: Int, windowLength: Int, hopLength: Int, fftPlanning: FFTPlanning) {
        self.fftLength = fftLength
        framing = CentredFrames(frameLength: fftLength, hopLength: hopLength)
        fft = RealFFT(size: fftLength, planning: fftPlanning)
        window = AnalysisWindow.centred(AnalysisWindow.periodicHann(length: windowLength), in: fftLength).map(Float.init)
        let left = (fftLength - windowLength) / 2
        windowSupport = left..<(left + windowLength)
    }

    func powerSpectrogram(_ samples: [Float]) -> PowerSpectrogram {
        let frameCount = framing.frameCount(sampleCount: samples.count)
        let bins = fftLength / 2 + 1
        let support = windowSupport
        // Every row is written by the FFT: no zero fill first.
        let result = Matrix(rows: frameCount, columns: bins) { power in
            samples.withUnsafeBufferPointer { signal in
                window.withUnsafeBufferPointer { window in
                    let input = fft.input
                    let n = signal.count
                    for t in 0..<frameCount {
                        let first = framing.start(ofFrame: t)
                        // Samples outside the window support are multiplied by zero: write zeros directly.
                        for j in 0..<support.lowerBound { input[j] = 0 }
                        for j in support.upperBound..<fftLength { input[j] = 0 }
                        let lo = max(support.lowerBound, -first), hi = min(support.upperBound, n - first)
                        if lo < hi {
                            for j in support.lowerBound..<lo { input[j] = 0 }
                            // Window multiply, eight samples per step (explicit: the compiler cannot
                            // rule out aliasing between FFTW's buffer and the signal).
                            var j = lo
                            let source = UnsafeRawPointer(signal.baseAddress! + first), weights = UnsafeRawPointer(window.baseAddress!)
                            let target = UnsafeMutableRawPointer(input)
                            while j + 8 <= hi {
                                let product = source.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
                                    * weights.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
                                target.storeBytes(of: product, toByteOffset: 4 * j, as: SIMD8<Float>.self)
                                j += 8
                            }
                            while j < hi { input[j] = signal[first + j] * window[j]; j += 1 }
                            for j in hi..<support.upperBound { input[j] = 0 }
                        } else {
                            for j in support { input[j] = 0 }
                        }
                        fft.executePowerSpectrum(into: power.baseAddress! + t * bins)
                    }
                }
            }
        }
        return PowerSpectrogram(frames: result)
    }
}
