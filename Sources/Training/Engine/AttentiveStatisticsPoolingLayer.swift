#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra
import NeuralNet

/// Attentive statistics pooling (Okabe et al., 2018): `u_t = tanh(W h_t + b)` `[A]`,
/// `e_t = vᵀ u_t + k`, `α = softmax_t(e)`, output `[μ = Σ α_t h_t, σ = sqrt(max(Σ α_t (h_t − μ)², ε))]`.
///
/// Works internally on `[B·T, D]` rows (feature-major inputs are transposed first), so the attention
/// MLP is one `gemm` for the whole batch each way. Backward, per example, with `dvar = dσ / (2σ)`:
/// `dα_t = Σ_i dμ_i h_ti + dvar_i (h_ti − μ_i)²`, `dh_t = α_t (dμ + 2 dvar ⊙ (h_t − μ))` plus the
/// attention path `de = α ⊙ (dα − Σ α dα)`, `dv = Uᵀ de`, `dZ = (de vᵀ) ⊙ (1 − U²)`, `dW = dZᵀ H`,
/// `dH += dZ W`.
final class AttentiveStatisticsPoolingLayer: TrainableLayer {
    let attentionChannels: Int
    let epsilon: Float
    let attentionWeight: Parameter, attentionBias: Parameter, scoreWeight: Parameter, scoreBias: Parameter
    var parameters: [Parameter] { [attentionWeight, attentionBias, scoreWeight, scoreBias] }

    private var cachedShape: ActivationShape = .vector(features: 0)
    private var batch = 0
    /// `[B·T, D]` rows.
    private var rows: [Float] = []
    /// `[B·T, A]` tanh activations.
    private var hidden: [Float] = []
    /// `[B·T]` attention weights.
    private var alpha: [Float] = []
    /// `[B, 2D]` output.
    private var statistics: [Float] = []
    /// `[B, D]`: whether the variance was clamped at ε (no gradient through σ there).
    private var clamped: [Bool] = []

    init(attentionChannels: Int, epsilon: Float, attentionWeight: Parameter, attentionBias: Parameter,
         scoreWeight: Parameter, scoreBias: Parameter) {
        self.attentionChannels = attentionChannels
        self.epsilon = epsilon
        self.attentionWeight = attentionWeight
        self.attentionBias = attentionBias
        self.scoreWeight = scoreWeight
        self.scoreBias = scoreBias
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape { .vector(features: 2 * input.featuresPerStep!) }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedShape = input.shape
        batch = input.batch
        let (d, t, a) = (input.shape.featuresPerStep!, input.shape.time!, attentionChannels)
        let n = batch * t
        rows = input.shape.isFeatureMajor ? batchTranspose(input.values, batch: batch, rows: d, columns: t) : input.values
        hidden = [Float](repeating: 0, count: n * a)
        alpha = [Float](repeating: 0, count: n)
        rows.withUnsafeBufferPointer { h in attentionWeight.value.withUnsafeBufferPointer { w in
            hidden.withUnsafeMutableBufferPointer { u in
                // [B·T, D] · [D, A] → [B·T, A]
                gemm(.none, .transposed, m: n, n: a, k: d, a: h.baseAddress!, lda: d, b: w.baseAddress!, ldb: d,
                     c: u.baseAddress!, ldc: a)
                for r in 0..<n { for j in 0..<a { u[r * a + j] = tanhf(u[r * a + j] + attentionBias.value[j]) } }
            }
        } }
        let v = scoreWeight.value, k = scoreBias.value[0]
        for r in 0..<n {
            var e = k
            for j in 0..<a { e += hidden[r * a + j] * v[j] }
            alpha[r] = e
        }
        alpha.withUnsafeMutableBufferPointer { p in
            for b in 0..<batch { softmaxInPlace(p.baseAddress! + b * t, count: t) }
        }
        statistics = [Float](repeating: 0, count: batch * 2 * d)
        clamped = [Bool](repeating: false, count: batch * d)
        for b in 0..<batch {
            for s in 0..<t {
                let w = alpha[b * t + s], row = (b * t + s) * d
                for i in 0..<d { statistics[b * 2 * d + i] += w * rows[row + i] }
            }
            for s in 0..<t {
                let w = alpha[b * t + s], row = (b * t + s) * d
                for i in 0..<d { let x = rows[row + i] - statistics[b * 2 * d + i]; statistics[b * 2 * d + d + i] += w * x * x }
            }
            for i in 0..<d {
                let variance = statistics[b * 2 * d + d + i]
                statistics[b * 2 * d + d + i] = max(variance, epsilon).squareRoot()
                clamped[b * d + i] = variance <= epsilon
            }
        }
        return BatchTensor(shape: outputShape(input.shape), batch: batch, values: statistics)
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let (d, t, a) = (cachedShape.featuresPerStep!, cachedShape.time!, attentionChannels)
        let n = batch * t
        var dRows = [Float](repeating: 0, count: n * d)
        var dScores = [Float](repeating: 0, count: n)  // de
        for b in 0..<batch {
            let dMean = Array(outputGradient.values[(b * 2 * d)..<(b * 2 * d + d)])
            var dVariance = [Float](repeating: 0, count: d)
            for i in 0..<d {
                let sigma = statistics[b * 2 * d + d + i]
                dVariance[i] = clamped[b * d + i] ? 0 : outputGradient.values[b * 2 * d + d + i] / (2 * sigma)
            }
            var dAlpha = [Float](repeating: 0, count: t)
            for s in 0..<t {
                let row = (b * t + s) * d, w = alpha[b * t + s]
                var g: Float = 0
                for i in 0..<d {
                    let h = rows[row + i], centred = h - statistics[b * 2 * d + i]
                    g += dMean[i] * h + dVariance[i] * centred * centred
                    dRows[row + i] = w * (dMean[i] + 2 * dVariance[i] * centred)
                }
                dAlpha[s] = g
            }
            var dot: Float = 0
            for s in 0..<t { dot += alpha[b * t + s] * dAlpha[s] }
            for s in 0..<t { dScores[b * t + s] = alpha[b * t + s] * (dAlpha[s] - dot) }
        }
        // Score layer: e = U v + k.
        let v = scoreWeight.value
        var dHidden = [Float](repeating: 0, count: n * a)
        for r in 0..<n {
            let de = dScores[r]
            scoreBias.gradient[0] += de
            for j in 0..<a {
                let u = hidden[r * a + j]
                scoreWeight.gradient[j] += de * u
                dHidden[r * a + j] = de * v[j] * (1 - u * u)  // through tanh
            }
        }
        for r in 0..<n { for j in 0..<a { attentionBias.gradient[j] += dHidden[r * a + j] } }
        dHidden.withUnsafeBufferPointer { dz in
            rows.withUnsafeBufferPointer { h in
                attentionWeight.gradient.withUnsafeMutableBufferPointer { dw in
                    // [A, B·T] · [B·T, D] → [A, D], accumulated
                    gemm(.transposed, .none, m: a, n: d, k: n, a: dz.baseAddress!, lda: a, b: h.baseAddress!, ldb: d,
                         beta: 1, c: dw.baseAddress!, ldc: d)
                }
            }
            attentionWeight.value.withUnsafeBufferPointer { w in
                dRows.withUnsafeMutableBufferPointer { dh in
                    // [B·T, A] · [A, D] → [B·T, D], added to the direct path
                    gemm(.none, .none, m: n, n: d, k: a, a: dz.baseAddress!, lda: a, b: w.baseAddress!, ldb: d,
                         beta: 1, c: dh.baseAddress!, ldc: d)
                }
            }
        }
        let values = cachedShape.isFeatureMajor ? batchTranspose(dRows, batch: batch, rows: t, columns: d) : dRows
        return BatchTensor(shape: cachedShape, batch: batch, values: values)
    }
}
