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
        let flatnessFloor: Float = 1e-10
        let fraction = Float(rolloffFraction)
        var magnitudes = [Float](repeating: 0, count: bins)
        let binFrequencies = frequencies.map(Float.init)
        spectrogram.frames.values.withUnsafeBufferPointer { power in
            magnitudes.withUnsafeMutableBufferPointer { magnitude in
                binFrequencies.withUnsafeBufferPointer { frequency in
                    for t in 0..<frameCount {
                        let frame = power.baseAddress! + t * bins
                        // Vectorisable passes: magnitudes, then Float sums in independent lanes.
                        for k in 0..<bins { magnitude[k] = frame[k].squareRoot() }
                        var magnitudeLanes = SIMD8<Float>(), weightedLanes = SIMD8<Float>(), powerLanes = SIMD8<Float>()
                        let floorLanes = SIMD8<Float>(repeating: flatnessFloor)
                        var k8 = 0
                        while k8 + 8 <= bins {
                            let m = SIMD8<Float>(magnitude[k8..<(k8 + 8)])
                            magnitudeLanes += m
                            weightedLanes += m * SIMD8<Float>(frequency[k8..<(k8 + 8)])
                            powerLanes += pointwiseMax(SIMD8<Float>(UnsafeBufferPointer(start: frame + k8, count: 8)), floorLanes)
                            k8 += 8
                        }
                        var magnitudeSum = Double(magnitudeLanes.sum()), weightedSum = Double(weightedLanes.sum())
                        var powerSum = Double(powerLanes.sum())
                        while k8 < bins {
                            magnitudeSum += Double(magnitude[k8])
                            weightedSum += Double(magnitude[k8]) * Double(frequency[k8])
                            powerSum += Double(max(flatnessFloor, frame[k8]))
                            k8 += 1
                        }
                        // Σ log p as log of a running product, renormalised by its binary exponent
                        // every 8 factors (no over/underflow: 8·|log10 p| < 300): one logarithm per frame.
                        var product = 1.0
                        var exponent = 0
                        var k = 0
                        while k < bins {
                            let end = min(bins, k + 8)
                            while k < end { product *= Double(max(flatnessFloor, frame[k])); k += 1 }
                            exponent += Int(product.exponent)
                            product = Double(sign: .plus, exponent: 0, significand: product.significand)
                        }
                        let logSum = log(product) + Double(exponent) * M_LN2
                        centroid[t] = Float(magnitudeSum >= Double(Float.leastNormalMagnitude) ? weightedSum / magnitudeSum : weightedSum)
                        flatness[t] = Float(exp(logSum / Double(bins)) / (powerSum / Double(bins)))
                        // Roll-off: Float cumulative sum in order, as numpy.cumsum.
                        var total: Float = 0
                        for k in 0..<bins { total += magnitude[k] }
                        let threshold = fraction * total
                        var running: Float = 0
                        var found = bins - 1
                        for k in 0..<bins {
                            running += magnitude[k]
                            if running >= threshold { found = k; break }
                        }
                        rolloff[t] = frequency[found]
                    }
                }
            }
        }
        return SpectralShape(centroid: centroid, flatness: flatness, rolloff: rolloff)
    }
}
