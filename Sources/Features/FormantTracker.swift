#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Formants from LPC, as Praat and openSMILE do: each centred frame of `analysisFrameLength` samples
/// is pre-emphasised (`α = exp(−2π·preEmphasisFrequency/sampleRate)`), Hamming-windowed, modelled by
/// autocorrelation LPC of order `2 + sampleRate/1000` (Levinson-Durbin), and the roots of the LPC
/// polynomial (Aberth-Ehrlich) with positive imaginary part become resonances:
/// `F = arg(z)·sr/2π`, `B = −ln|z|·sr/π`. Resonances within [formantMinFrequency, formantMaxFrequency]
/// and narrower than formantMaxBandwidth are sorted by frequency; the lowest are F1, F2, F3.
///
/// All scratch is allocated once; not thread-safe.
final class FormantTracker {
    let sampleRate: Double
    let framing: CentredFrames
    let order: Int
    let formantCount: Int
    let minFrequency: Double, maxFrequency: Double, maxBandwidth: Double
    /// Frames whose energy (sum of squares of the windowed frame) is below this are silent: no formants.
    let silenceEnergy: Double
    private let preEmphasis: Double
    private let window: [Double]
    private let frame: UnsafeMutablePointer<Double>
    private let autocorrelation: UnsafeMutablePointer<Double>
    private let coefficients: UnsafeMutablePointer<Double>
    private let scratch: UnsafeMutablePointer<Double>
    private let roots: UnsafeMutablePointer<ComplexDouble>
    private var candidates: [(frequency: Double, bandwidth: Double)]

    init(config: FeatureConfig) {
        sampleRate = Double(config.sampleRate)
        framing = CentredFrames(frameLength: config.analysisFrameLength, hopLength: config.hopLength)
        order = config.resolvedLPCOrder
        formantCount = config.formantCount
        minFrequency = config.formantMinFrequency
        maxFrequency = config.resolvedFormantMaxFrequency
        maxBandwidth = config.formantMaxBandwidth
        silenceEnergy = Double(config.logFloor) * Double(config.analysisFrameLength)
        preEmphasis = exp(-2 * Double.pi * config.preEmphasisFrequency / Double(config.sampleRate))
        window = AnalysisWindow.hamming(length: config.analysisFrameLength)
        frame = .allocate(capacity: config.analysisFrameLength)
        autocorrelation = .allocate(capacity: order + 1)
        coefficients = .allocate(capacity: order + 1)
        scratch = .allocate(capacity: order + 1)
        roots = .allocate(capacity: order)
        candidates = []
        candidates.reserveCapacity(order)
    }

    deinit {
        frame.deallocate()
        autocorrelation.deallocate()
        coefficients.deallocate()
        scratch.deallocate()
        roots.deallocate()
    }

    func track(_ samples: [Float]) -> FormantTrack {
        let frameCount = framing.frameCount(sampleCount: samples.count)
        var frequencies = Matrix(rows: formantCount, columns: frameCount)
        var bandwidths = Matrix(rows: formantCount, columns: frameCount)
        samples.withUnsafeBufferPointer { signal in
            for t in 0..<frameCount {
                analyzeFrame(t, signal: signal)
                for (i, candidate) in candidates.prefix(formantCount).enumerated() {
                    frequencies[i, t] = Float(candidate.frequency)
                    bandwidths[i, t] = Float(candidate.bandwidth)
                }
            }
        }
        return FormantTrack(frequencies: frequencies, bandwidths: bandwidths)
    }

    /// Leaves the accepted resonances of frame `t`, sorted by frequency, in `candidates`.
    private func analyzeFrame(_ t: Int, signal: UnsafeBufferPointer<Float>) {
        candidates.removeAll(keepingCapacity: true)
        let length = framing.frameLength, n = signal.count
        let first = framing.start(ofFrame: t)
        @inline(__always) func sample(_ i: Int) -> Double { i >= 0 && i < n ? Double(signal[i]) : 0 }
        var energy = 0.0
        for j in 0..<length {
            let s = first + j
            let value = (sample(s) - preEmphasis * sample(s - 1)) * window[j]
            frame[j] = value
            energy += value * value
        }
        guard energy > silenceEnergy else { return }
        LinearPrediction.autocorrelation(frame, count: length, order: order, into: autocorrelation)
        autocorrelation[0] *= 1 + 1e-9  // white-noise correction: keeps Levinson stable on near-singular frames
        guard LinearPrediction.levinsonDurbin(autocorrelation, order: order, coefficients: coefficients,
                                              scratch: scratch) != nil else { return }
        // Roots of z^p + a1 z^(p-1) + … + a_p.
        PolynomialRoots.solve(coefficients + 1, degree: order, roots: roots, maxIterations: 100)
        let hertzPerRadian = sampleRate / (2 * Double.pi)
        for i in 0..<order {
            let root = roots[i]
            guard root.imaginary > 0 else { continue }
            let frequency = root.argument * hertzPerRadian
            let bandwidth = -log(root.magnitude) * sampleRate / Double.pi
            if frequency >= minFrequency && frequency <= maxFrequency && bandwidth > 0 && bandwidth <= maxBandwidth {
                candidates.append((frequency, bandwidth))
            }
        }
        candidates.sort { $0.frequency < $1.frequency }
    }
}
