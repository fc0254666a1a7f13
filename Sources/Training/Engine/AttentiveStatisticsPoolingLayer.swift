import LinearAlgebra
import NeuralNet

/// Attentive statistics pooling: NeuralNet's `AttentiveStatisticsPoolingReference` forward
/// (`u_t = tanh(W h_t + b)`, `e_t = vᵀ u_t + k`, `α = softmax_t(e)`, `[μ, σ]`) and its backward, per
/// example with `dvar = dσ / (2σ)`: `dα_t = Σ_i dμ_i h_ti + dvar_i (h_ti − μ_i)²`,
/// `dh_t = α_t (dμ + 2 dvar ⊙ (h_t − μ))` plus the attention path `de = α ⊙ (dα − Σ α dα)`,
/// `dv = Uᵀ de`, `dZ = (de vᵀ) ⊙ (1 − U²)`, `dW = dZᵀ H`, `dH += dZ W`, on `[B·T, D]` rows.
final class AttentiveStatisticsPoolingLayer: TrainableLayer {
    let reference: AttentiveStatisticsPoolingReference
    let attentionWeight: Parameter, attentionBias: Parameter, scoreWeight: Parameter, scoreBias: Parameter
    var parameters: [Parameter] { [attentionWeight, attentionBias, scoreWeight, scoreBias] }

    private var cachedShape: ActivationShape = .vector(features: 0)
    private var batch = 0
    private var trace = AttentiveStatisticsPoolingReference.Trace()
    /// `[B, 2D]` output.
    private var statistics: [Float] = []

    init(spec: AttentiveStatisticsPoolingSpec, attentionWeight: Parameter, attentionBias: Parameter,
         scoreWeight: Parameter, scoreBias: Parameter) {
        reference = AttentiveStatisticsPoolingReference(spec: spec)
        self.attentionWeight = attentionWeight
        self.attentionBias = attentionBias
        self.scoreWeight = scoreWeight
        self.scoreBias = scoreBias
    }

    /// Layer `index`'s parameters from `store`; initially `U(±1/sqrt(fan_in))` per linear map
    /// (PyTorch's `nn.Linear`).
    convenience init(spec: AttentiveStatisticsPoolingSpec, layer index: Int, parameters store: ParameterStore) {
        let attention = 1 / Float(store.shape(index, "attention.weight")[1]).squareRoot()
        let score = 1 / Float(store.shape(index, "score.weight")[1]).squareRoot()
        self.init(spec: spec,
                  attentionWeight: store.parameter(index, "attention.weight", .uniform(bound: attention), decays: true),
                  attentionBias: store.parameter(index, "attention.bias", .uniform(bound: attention)),
                  scoreWeight: store.parameter(index, "score.weight", .uniform(bound: score), decays: true),
                  scoreBias: store.parameter(index, "score.bias", .uniform(bound: score)))
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedShape = input.shape
        batch = input.batch
        let result = reference.forward(input, attentionWeight: attentionWeight.value, attentionBias: attentionBias.value,
                                       scoreWeight: scoreWeight.value, scoreBias: scoreBias.value[0])
        trace = result.trace
        statistics = result.output.values
        return result.output
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        let (d, t, a) = (cachedShape.timeFeatures!, cachedShape.time!, reference.spec.attentionChannels)
        let n = batch * t
        let rows: [Float] = trace.rows, hidden: [Float] = trace.hidden, alpha: [Float] = trace.alpha
        let clamped: [Bool] = trace.clamped
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
