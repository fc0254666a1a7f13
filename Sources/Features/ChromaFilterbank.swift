#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Gaussian chroma filters as a `[chromaBinCount, binCount]` matrix (librosa.filters.chroma with its
/// defaults: centre octave 5, octave width 2, L2-normalised columns, first row C).
public enum ChromaFilterbank {
    /// - Parameters: `sampleRate` Hz; `fftLength` samples; `binsPerOctave` chroma bins;
    ///   `tuning` offset from A440 in fractions of a chroma bin.
    public static func make(sampleRate: Int, fftLength: Int, binsPerOctave: Int, tuning: Double) -> Matrix {
        let centreOctave = 5.0, octaveWidth = 2.0
        let n = Double(binsPerOctave)
        let referenceHz = 440.0 * pow(2.0, tuning / n) / 16  // A0 for this tuning; octaves are counted from it
        // Chroma-bin position of every FFT bin but DC; DC is placed 1.5 octaves below bin 1.
        var position = [Double](repeating: 0, count: fftLength)
        let binSpacing = Double(sampleRate) / Double(fftLength)  // numpy.linspace(0, sr, n_fft, endpoint=False)
        for k in 1..<fftLength {
            let frequency = Double(k) * binSpacing
            position[k] = n * log2(frequency / referenceHz)
        }
        position[0] = position[1] - 1.5 * n
        var width = [Double](repeating: 1, count: fftLength)
        for k in 0..<(fftLength - 1) { width[k] = max(position[k + 1] - position[k], 1.0) }

        let half = (n / 2).rounded(.toNearestOrEven)
        var weights = [Double](repeating: 0, count: binsPerOctave * fftLength)
        for c in 0..<binsPerOctave {
            for k in 0..<fftLength {
                var distance = position[k] - Double(c)
                distance = (distance + half + 10 * n).truncatingRemainder(dividingBy: n)
                if distance < 0 { distance += n }  // numpy.remainder takes the divisor's sign
                distance -= half
                let z = 2 * distance / width[k]
                weights[c * fftLength + k] = exp(-0.5 * z * z)
            }
        }
        // L2-normalise each FFT bin's column over the chroma bins, then weight by octave.
        for k in 0..<fftLength {
            var norm = 0.0
            for c in 0..<binsPerOctave { norm += weights[c * fftLength + k] * weights[c * fftLength + k] }
            norm = norm.squareRoot()
            if norm < Double.leastNormalMagnitude { norm = 1 }
            let octave = (position[k] / n - centreOctave) / octaveWidth
            let octaveWeight = exp(-0.5 * octave * octave)
            for c in 0..<binsPerOctave { weights[c * fftLength + k] = weights[c * fftLength + k] / norm * octaveWeight }
        }
        // Rotate so row 0 is C (librosa base_c: roll by -3 · n/12), keep bins 0...fftLength/2.
        let shift = 3 * (binsPerOctave / 12)
        let bins = fftLength / 2 + 1
        var result = Matrix(rows: binsPerOctave, columns: bins)
        for c in 0..<binsPerOctave {
            let source = (c + shift) % binsPerOctave
            for k in 0..<bins { result[c, k] = Float(weights[source * fftLength + k]) }
        }
        return result
    }
}
