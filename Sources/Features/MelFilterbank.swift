import LinearAlgebra

/// Triangular mel filters as a `[melBandCount, binCount]` matrix, the left operand of the `gemm` that
/// turns power spectra into mel spectra. Same construction and rounding as librosa.filters.mel
/// (Double arithmetic, Float storage, Slaney area normalisation applied after the Float rounding).
public enum MelFilterbank {
    /// - Parameters:
    ///   - sampleRate: Hz. `fftLength`: samples. `bandCount`: number of triangles.
    ///   - minFrequency, maxFrequency: outer edges of the first and last triangle, Hz.
    public static func make(
        sampleRate: Int, fftLength: Int, bandCount: Int,
        minFrequency: Double, maxFrequency: Double,
        scale: MelScale, normalization: MelNormalization
    ) -> Matrix {
        let binFrequencies = fftBinFrequencies(sampleRate: sampleRate, fftLength: fftLength)
        let edges = scale.frequencies(count: bandCount + 2, from: minFrequency, to: maxFrequency)
        var weights = Matrix(rows: bandCount, columns: binFrequencies.count)
        for band in 0..<bandCount {
            let lowerWidth = edges[band + 1] - edges[band]
            let upperWidth = edges[band + 2] - edges[band + 1]
            let areaNormalisation = normalization == .slaney ? 2.0 / (edges[band + 2] - edges[band]) : 1.0
            for (bin, frequency) in binFrequencies.enumerated() {
                let rising = (frequency - edges[band]) / lowerWidth
                let falling = (edges[band + 2] - frequency) / upperWidth
                let triangle = Float(max(0, min(rising, falling)))
                weights[band, bin] = normalization == .slaney ? Float(Double(triangle) * areaNormalisation) : triangle
            }
        }
        return weights
    }
}
