import Foundation
import LinearAlgebra

/// Per-frame spectral shape descriptors with librosa.feature semantics (0.11).
public struct SpectralShape: Sendable, Equatable {
    /// Magnitude-weighted mean frequency, Hz (librosa.feature.spectral_centroid, from |X|).
    public var centroid: [Float]
    /// Wiener entropy of the power spectrum floored at 1e-10: geometric / arithmetic mean, 0...1
    /// (librosa.feature.spectral_flatness with `power=2`, `amin=1e-10`).
    public var flatness: [Float]
    /// Lowest bin frequency where the cumulative magnitude reaches `rolloffFraction` of the total, Hz
    /// (librosa.feature.spectral_rolloff, from |X|).
    public var rolloff: [Float]

    public init(centroid: [Float], flatness: [Float], rolloff: [Float]) {
        self.centroid = centroid
        self.flatness = flatness
        self.rolloff = rolloff
    }

    /// Computes all three from a power spectrogram in one pass over each frame.
    static func compute(from spectrogram: PowerSpectrogram, sampleRate: Int, fftLength: Int,
                        rolloffFraction: Double) -> SpectralShape {
        let frameCount = spectrogram.frameCount, bins = spectrogram.binCount
        let frequencies = fftBinFrequencies(sampleRate: sampleRate, fftLength: fftLength)
        var centroid = [Float](repeating: 0, count: frameCount)
        var flatness = [Float](repeating: 0, count: frameCount)
        var rolloff = [Float](repeating: 0, count: frameCount)
        let flatnessFloor = 1e-10
        let fraction = Float(rolloffFraction)
        spectrogram.frames.values.withUnsafeBufferPointer { power in
            for t in 0..<frameCount {
                let frame = power.baseAddress! + t * bins
                var magnitudeSum = 0.0, weightedSum = 0.0, logSum = 0.0, powerSum = 0.0
                // Float cumulative magnitude, summed in order as numpy.cumsum does, for the roll-off test.
                var cumulative: Float = 0
                for k in 0..<bins {
                    let p = Double(frame[k])
                    let magnitude = p.squareRoot()
                    magnitudeSum += magnitude
                    weightedSum += magnitude * frequencies[k]
                    let floored = max(flatnessFloor, p)
                    logSum += log(floored)
                    powerSum += floored
                    cumulative += Float(magnitude)
                }
                centroid[t] = Float(magnitudeSum >= Double(Float.leastNormalMagnitude) ? weightedSum / magnitudeSum : weightedSum)
                flatness[t] = Float(exp(logSum / Double(bins)) / (powerSum / Double(bins)))
                let threshold = fraction * cumulative
                var running: Float = 0
                var found = bins - 1
                for k in 0..<bins {
                    running += Float(Double(frame[k]).squareRoot())
                    if running >= threshold { found = k; break }
                }
                rolloff[t] = Float(frequencies[found])
            }
        }
        return SpectralShape(centroid: centroid, flatness: flatness, rolloff: rolloff)
    }
}
