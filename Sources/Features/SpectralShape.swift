#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// Computes all three from a power spectrogram.
    ///
    /// Per frame, one vectorised pass (eight bins per step) forms the magnitudes and the Float lane
    /// sums for the centroid and flatness; Σ ln p for the flatness comes from the binary exponents
    /// (exact integers) plus the logarithms of lane-wise products of the mantissas (in [1, 2); folded
    /// into Double every 16 factors, so < 2^16 per lane and < 2^128 for the eight: no overflow,
    /// float32 rounding ~1e-6 on each fold's `ln`) — one logarithm per 128 bins instead of per bin. The roll-off keeps numpy's in-order float32 cumulative sum
    /// (a sequential chain), computed for eight frames at once (one frame per SIMD lane) so the
    /// chains overlap; as the sum of non-negative values it never decreases, so the crossing bin is
    /// found by binary search.
    static func compute(from spectrogram: PowerSpectrogram, sampleRate: Int, fftLength: Int,
                        rolloffFraction: Double) -> SpectralShape {
        let frameCount = spectrogram.frameCount, bins = spectrogram.binCount
        let frequencies = fftBinFrequencies(sampleRate: sampleRate, fftLength: fftLength)
        var centroid = [Float](repeating: 0, count: frameCount)
        var flatness = [Float](repeating: 0, count: frameCount)
        var rolloff = [Float](repeating: 0, count: frameCount)
        let flatnessFloor: Float = 1e-10
        let fraction = Float(rolloffFraction)
        let binFrequencies = frequencies.map(Float.init)
        // Magnitudes of eight frames interleaved by bin (`[bins, 8]`), then their running sums.
        let group = 8
        var interleaved = [Float](repeating: 0, count: bins * group)
        var running = [Float](repeating: 0, count: bins * group)
        spectrogram.frames.values.withUnsafeBufferPointer { power in
            interleaved.withUnsafeMutableBufferPointer { interleaved in
                running.withUnsafeMutableBufferPointer { running in
                    binFrequencies.withUnsafeBufferPointer { frequency in
                        let magnitudes = interleaved.baseAddress!, sums = running.baseAddress!
                        let frequencyBase = UnsafeRawPointer(frequency.baseAddress!)
                        let floors = SIMD8<Float>(repeating: flatnessFloor)
                        var first = 0
                        while first < frameCount {
                            let members = min(group, frameCount - first)
                            for f in 0..<group {
                                guard f < members else {
                                    for k in 0..<bins { magnitudes[k * group + f] = 0 }
                                    continue
                                }
                                let t = first + f
                                let frame = power.baseAddress! + t * bins
                                let raw = UnsafeRawPointer(frame)
                                var magnitudeLanes = SIMD8<Float>(), weightedLanes = SIMD8<Float>(), powerLanes = SIMD8<Float>()
                                var mantissaProduct = SIMD8<Float>(repeating: 1), exponentLanes = SIMD8<Int32>()
                                var logSum = 0.0
                                var k = 0
                                while k + 8 <= bins {
                                    let p = raw.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
                                    let m = VectorMath.squareRoot(p)
                                    magnitudeLanes += m
                                    weightedLanes += m * frequencyBase.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
                                    let floored = p.replacing(with: floors, where: p .< floors)  // max(p, floor)
                                    powerLanes += floored
                                    // floored = 2^(e − 127) · mantissa, mantissa in [1, 2).
                                    let bits = unsafeBitCast(floored, to: SIMD8<Int32>.self)
                                    exponentLanes &+= (bits &>> 23) &- 127
                                    mantissaProduct *= unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD8<Float>.self)
                                    for lane in 0..<8 { magnitudes[(k + lane) * group + f] = m[lane] }
                                    k += 8
                                    if k % 128 == 0 {  // 16 factors per lane (< 2^16): fold into the log
                                        var product = 1.0
                                        for lane in 0..<8 { product *= Double(mantissaProduct[lane]) }
                                        logSum += log(product)
                                        mantissaProduct = SIMD8<Float>(repeating: 1)
                                    }
                                }
                                var magnitudeSum = Double(magnitudeLanes.sum()), weightedSum = Double(weightedLanes.sum())
                                var powerSum = Double(powerLanes.sum())
                                var product = 1.0
                                for lane in 0..<8 { product *= Double(mantissaProduct[lane]) }
                                logSum += Double(exponentLanes.wrappedSum()) * M_LN2
                                while k < bins {
                                    let m = frame[k].squareRoot()
                                    magnitudes[k * group + f] = m
                                    magnitudeSum += Double(m)
                                    weightedSum += Double(m) * Double(frequency[k])
                                    let floored = max(flatnessFloor, frame[k])
                                    powerSum += Double(floored)
                                    logSum += log(Double(floored))
                                    k += 1
                                }
                                logSum += log(product)
                                centroid[t] = Float(magnitudeSum >= Double(Float.leastNormalMagnitude) ? weightedSum / magnitudeSum : weightedSum)
                                flatness[t] = Float(exp(logSum / Double(bins)) / (powerSum / Double(bins)))
                            }
                            // Roll-off: numpy.cumsum order (bin by bin, float32), eight frames per lane vector.
                            var total = SIMD8<Float>()
                            let magnitudeRaw = UnsafeRawPointer(magnitudes), sumRaw = UnsafeMutableRawPointer(sums)
                            for k in 0..<bins {
                                total += magnitudeRaw.loadUnaligned(fromByteOffset: 32 * k, as: SIMD8<Float>.self)
                                sumRaw.storeBytes(of: total, toByteOffset: 32 * k, as: SIMD8<Float>.self)
                            }
                            for f in 0..<members {
                                let threshold = fraction * total[f]
                                // First k with running[k] ≥ threshold (else the last bin).
                                var low = 0, high = bins - 1
                                while low < high {
                                    let middle = (low + high) / 2
                                    if sums[middle * group + f] >= threshold { high = middle } else { low = middle + 1 }
                                }
                                rolloff[first + f] = frequency[low]
                            }
                            first += members
                        }
                    }
                }
            }
        }
        return SpectralShape(centroid: centroid, flatness: flatness, rolloff: rolloff)
    }
}
