#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// The orthonormal DCT-II as a `[coefficientCount, inputCount]` matrix, so MFCCs are one `gemm` with
/// the log-mel matrix: row `k` is `s_k · cos(π k (2n + 1) / (2N))` with `s_0 = √(1/N)`, `s_k = √(2/N)`
/// (scipy.fftpack.dct type 2, `norm="ortho"`, as librosa.feature.mfcc), optionally liftered.
public enum DCTMatrix {
    /// - Parameters:
    ///   - coefficientCount: rows kept (the first `coefficientCount` DCT coefficients).
    ///   - inputCount: `N`, the number of log-mel bands.
    ///   - lifter: librosa's `lifter`; when > 0 row `k` is scaled by `1 + (lifter/2)·sin(π(k+1)/lifter)`.
    public static func make(coefficientCount: Int, inputCount: Int, lifter: Double = 0) -> Matrix {
        var matrix = Matrix(rows: coefficientCount, columns: inputCount)
        let n = Double(inputCount)
        for k in 0..<coefficientCount {
            var scale = k == 0 ? (1 / n).squareRoot() : (2 / n).squareRoot()
            if lifter > 0 { scale *= 1 + (lifter / 2) * sin(Double.pi * Double(k + 1) / lifter) }
            for i in 0..<inputCount {
                matrix[k, i] = Float(scale * cos(Double.pi * Double(k) * Double(2 * i + 1) / (2 * n)))
            }
        }
        return matrix
    }
}
