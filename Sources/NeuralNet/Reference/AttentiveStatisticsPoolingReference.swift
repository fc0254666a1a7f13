import LinearAlgebra

/// The reference forward of attentive statistics pooling (Okabe et al., 2018) over a batch:
/// `u_t = tanh(W h_t + b)` `[A]`, `e_t = vᵀ u_t + k`, `α = softmax_t(e)`, output
/// `[μ = Σ α_t h_t, σ = sqrt(max(Σ α_t (h_t − μ)², ε))]`.
///
/// Works on `[B·T, D]` rows (feature-major inputs are transposed first), so the attention MLP is one
/// `gemm` for the whole batch; the pooled statistics are `weightedStatistics`, as in the kernel.
/// `AttentiveStatisticsPoolingKernel` (no transpose for channel-major input) is its single-example
/// serving form.
package struct AttentiveStatisticsPoolingReference: Sendable {
    package let spec: AttentiveStatisticsPoolingSpec

    package init(spec: AttentiveStatisticsPoolingSpec) { self.spec = spec }

    /// What the forward pass computed on the way, for the backward pass.
    package struct Trace: Sendable {
        /// `[B·T, D]` input rows.
        package var rows: [Float] = []
        /// `[B·T, A]` tanh activations `u`.
        package var hidden: [Float] = []
        /// `[B·T]` attention weights `α`.
        package var alpha: [Float] = []
        /// `[B, D]`: whether the variance was clamped at ε (no gradient through σ there).
        package var clamped: [Bool] = []

        package init() {}
    }

    /// - Parameters: attentionWeight `W [A, D]`, attentionBias `b [A]`, scoreWeight `v [A]`
    ///   (PyTorch's `[1, A]`), scoreBias `k`.
    package func forward(_ input: BatchTensor, attentionWeight: [Float], attentionBias: [Float], scoreWeight: [Float],
                         scoreBias: Float) -> (output: BatchTensor, trace: Trace) {
        let (d, t, a, batch) = (input.shape.timeFeatures!, input.shape.time!, spec.attentionChannels, input.batch)
        let n = batch * t
        var trace = Trace()
        trace.rows = input.shape.isFeatureMajor
            ? batchTranspose(input.values, batch: batch, rows: d, columns: t) : input.values
        trace.hidden = [Float](repeating: 0, count: n * a)
        trace.rows.withUnsafeBufferPointer { h in attentionWeight.withUnsafeBufferPointer { w in
            attentionBias.withUnsafeBufferPointer { bias in trace.hidden.withUnsafeMutableBufferPointer { u in
                // [B·T, D] · [D, A] (W read transposed) → [B·T, A], then tanh(· + b)
                gemm(.none, .transposed, m: n, n: a, k: d, a: h.baseAddress!, lda: d, b: w.baseAddress!, ldb: d,
                     c: u.baseAddress!, ldc: a)
                biasActivationColumns(u.baseAddress!, rows: n, columns: a, bias: bias.baseAddress, activation: .tanh)
            } }
        } }
        trace.alpha = (0..<n).map { r in
            var e = scoreBias
            for j in 0..<a { e += trace.hidden[r * a + j] * scoreWeight[j] }
            return e
        }
        trace.alpha.withUnsafeMutableBufferPointer { p in
            for b in 0..<batch { softmax(p.baseAddress! + b * t, count: t) }
        }
        var statistics = [Float](repeating: 0, count: batch * 2 * d)
        trace.clamped = [Bool](repeating: false, count: batch * d)
        trace.rows.withUnsafeBufferPointer { h in trace.alpha.withUnsafeBufferPointer { w in
            statistics.withUnsafeMutableBufferPointer { y in trace.clamped.withUnsafeMutableBufferPointer { c in
                for b in 0..<batch {
                    weightedStatistics(h.baseAddress! + b * t * d, weights: w.baseAddress! + b * t, time: t,
                                       features: d, epsilon: spec.epsilon, into: y.baseAddress! + b * 2 * d,
                                       clamped: c.baseAddress! + b * d)
                }
            } }
        } }
        return (BatchTensor(shape: .vector(features: 2 * d), batch: batch, values: statistics), trace)
    }
}
