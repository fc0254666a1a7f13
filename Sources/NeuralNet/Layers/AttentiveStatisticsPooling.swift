#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Attentive statistics pooling (Okabe, Koshinaka & Shinoda, "Attentive Statistics Pooling for Deep
/// Speaker Embedding", Interspeech 2018).
///
/// Per time step `e_t = vᵀ tanh(W h_t + b) + k`; `α = softmax_t(e)`; output
/// `[μ, σ]` with `μ = Σ α_t h_t` and `σ = sqrt(max(Σ α_t (h_t − μ)², ε))`. Input layouts as for
/// `StatisticsPoolingKernel`.
struct AttentiveStatisticsPoolingKernel: LayerKernel {
    let features: Int
    let attentionChannels: Int
    /// `W`, `[A, D]`.
    let attentionWeight: [Float]
    /// `b`, `[A]`.
    let attentionBias: [Float]
    /// `v`, `[A]` (PyTorch `score.weight` `[1, A]`).
    let scoreWeight: [Float]
    /// `k`.
    let scoreBias: Float
    let epsilon: Float

    func outputShape(_ input: ActivationShape) -> ActivationShape { .vector(features: 2 * features) }

    func scratchCount(_ input: ActivationShape, tiling: ConvolutionTiling) -> Int {
        input.time! * (attentionChannels + 1)
    }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        let (d, t, a) = (features, shape.time!, attentionChannels)
        let hidden = scratch  // [T, A] for sequences, [A, T] for channels-by-time input
        let weights = scratch + t * a  // [T]
        let sequence: Bool = if case .sequence = shape { true } else { false }
        attentionWeight.withUnsafeBufferPointer { w in attentionBias.withUnsafeBufferPointer { b in
            scoreWeight.withUnsafeBufferPointer { v in
                if sequence {
                    // [T, D] · [D, A] (W read transposed) → [T, A]; then [T, A] · [A, 1] → [T]
                    gemm(.none, .transposed, m: t, n: a, k: d, a: input, lda: d, b: w.baseAddress!, ldb: d, c: hidden, ldc: a)
                    biasActivationColumns(hidden, rows: t, columns: a, bias: b.baseAddress, activation: .tanh)
                    gemm(.none, .transposed, m: t, n: 1, k: a, a: hidden, lda: a, b: v.baseAddress!, ldb: a, c: weights, ldc: 1)
                    for s in 0..<t { weights[s] += scoreBias }
                } else {
                    // W [A, D] · input [D, T] → [A, T]: both operands in their natural layout (no
                    // transposed packing), and the tanh epilogue and the score run along contiguous rows.
                    gemm(.none, .none, m: a, n: t, k: d, a: w.baseAddress!, lda: d, b: input, ldb: t, c: hidden, ldc: t)
                    biasActivationRows(hidden, rows: a, columns: t, stride: t, bias: b.baseAddress, activation: .tanh)
                    // e = vᵀ · hidden + k, accumulated row by row (vectorised along time).
                    weights.update(repeating: scoreBias, count: t)
                    for j in 0..<a {
                        let row = hidden + j * t, vj = v[j]
                        for s in 0..<t { weights[s] += vj * row[s] }
                    }
                }
            }
        } }
        softmax(weights, count: t)

        let mean = output, std = output + d
        if sequence {
            weightedStatistics(input, weights: weights, time: t, features: d, epsilon: epsilon, into: output)
        } else {
            for i in 0..<d {
                let row = input + i * t
                var m: Float = 0
                for s in 0..<t { m += weights[s] * row[s] }
                var v: Float = 0
                for s in 0..<t { let x = row[s] - m; v += weights[s] * x * x }
                mean[i] = m
                std[i] = max(v, epsilon).squareRoot()
            }
        }
    }
}

/// `[μ, σ]` (`output`, `2D` floats) of the `[T, D]` rows `rows` weighted by `weights` (`[T]`, summing
/// to 1): `μ = Σ_t w_t h_t`, `σ = sqrt(max(Σ_t w_t (h_t − μ)², ε))`. Used by the kernel on sequences
/// and, example by example, by `AttentiveStatisticsPoolingReference`.
/// - Parameter clamped: if given, receives per feature whether the variance was clamped at ε.
func weightedStatistics(_ rows: UnsafePointer<Float>, weights: UnsafePointer<Float>, time t: Int, features d: Int,
                        epsilon: Float, into output: UnsafeMutablePointer<Float>,
                        clamped: UnsafeMutablePointer<Bool>? = nil) {
    let mean = output, std = output + d
    mean.update(repeating: 0, count: d)
    std.update(repeating: 0, count: d)
    for s in 0..<t { let row = rows + s * d, w = weights[s]; for i in 0..<d { mean[i] += w * row[i] } }
    for s in 0..<t {
        let row = rows + s * d, w = weights[s]
        for i in 0..<d { let x = row[i] - mean[i]; std[i] += w * x * x }
    }
    for i in 0..<d {
        clamped?[i] = std[i] <= epsilon
        std[i] = max(std[i], epsilon).squareRoot()
    }
}
