#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra
import NeuralNet

/// A stacked, optionally bidirectional LSTM or GRU over a batch of sequences `[B, T, D]`, PyTorch
/// semantics (gate order i, f, g, o / r, z, n; zero initial state; output `[B, T, dirs·H]` with the
/// forward direction's features first), trained by back-propagation through time.
///
/// Per stacked layer and direction: the input projection of every step of every example is one
/// `gemm` (`[B·T, D] · W_ihᵀ`); each step adds `h_{t−1} W_hhᵀ` for the whole batch with one `gemm`.
/// Backward walks the steps in reverse, carrying `dh` (and `dc`), and collects the pre-activation
/// gradients of all steps so that `dW_ih`, `dW_hh` and `dX` are again one `gemm` each.
final class RecurrentLayer: TrainableLayer {
    enum Cell { case lstm, gru }

    /// One direction of one stacked layer.
    struct Weights {
        let inputWeight: Parameter, hiddenWeight: Parameter, inputBias: Parameter, hiddenBias: Parameter
    }

    /// What the forward pass of one stacked layer keeps for backward.
    struct LayerCache {
        var input: [Float] = []
        var inputSize = 0
        var output: [Float] = []
        /// Per direction, `[B·T, G·H]`: activated gates (LSTM i, f, g, o; GRU r, z, n).
        var gates: [[Float]] = []
        /// Per direction, `[B·T, H]`: the cell state (LSTM) or `W_hn h + b_hn` (GRU).
        var extra: [[Float]] = []
    }

    let cell: Cell
    let spec: RecurrentSpec
    /// `[layer][direction]`.
    let weights: [[Weights]]
    var parameters: [Parameter] {
        weights.flatMap { $0.flatMap { [$0.inputWeight, $0.hiddenWeight, $0.inputBias, $0.hiddenBias] } }
    }
    private var caches: [LayerCache] = []
    private var batch = 0, time = 0
    private var cachedShape: ActivationShape = .vector(features: 0)

    init(cell: Cell, spec: RecurrentSpec, weights: [[Weights]]) {
        self.cell = cell
        self.spec = spec
        self.weights = weights
    }

    private var gateCount: Int { cell == .lstm ? 4 : 3 }

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        .sequence(time: input.time!, features: spec.directions * spec.hiddenSize)
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        batch = input.batch
        time = input.shape.time!
        cachedShape = input.shape
        caches = []
        var x = input.values
        var inputSize = input.shape.dimensions.last!
        for layer in weights {
            var cache = LayerCache(input: x, inputSize: inputSize)
            cache.output = [Float](repeating: 0, count: batch * time * spec.directions * spec.hiddenSize)
            for (direction, w) in layer.enumerated() {
                let (gates, extra) = runDirection(direction, w, input: x, inputSize: inputSize, output: &cache.output)
                cache.gates.append(gates)
                cache.extra.append(extra)
            }
            x = cache.output
            inputSize = spec.directions * spec.hiddenSize
            caches.append(cache)
        }
        return BatchTensor(shape: outputShape(input.shape), batch: batch, values: x)
    }

    private func runDirection(_ direction: Int, _ w: Weights, input: [Float], inputSize d: Int,
                              output: inout [Float]) -> (gates: [Float], extra: [Float]) {
        let (h, g, t, b) = (spec.hiddenSize, gateCount * spec.hiddenSize, time, batch)
        let width = spec.directions * h
        var projection = [Float](repeating: 0, count: b * t * g)
        input.withUnsafeBufferPointer { x in w.inputWeight.value.withUnsafeBufferPointer { wih in
            projection.withUnsafeMutableBufferPointer { p in
                // [B·T, D] · [D, G·H] → [B·T, G·H]
                gemm(.none, .transposed, m: b * t, n: g, k: d, a: x.baseAddress!, lda: d, b: wih.baseAddress!, ldb: d,
                     c: p.baseAddress!, ldc: g)
            }
        } }
        var gates = [Float](repeating: 0, count: b * t * g)
        var extra = [Float](repeating: 0, count: b * t * h)
        var recurrent = [Float](repeating: 0, count: b * g)
        let bih = w.inputBias.value, bhh = w.hiddenBias.value
        for step in 0..<t {
            let now = direction == 0 ? step : t - 1 - step
            let before = direction == 0 ? now - 1 : now + 1
            // rec = h_{t−1} W_hhᵀ + b_hh, [B, G·H]
            for r in 0..<b { for j in 0..<g { recurrent[r * g + j] = bhh[j] } }
            if step > 0 {
                output.withUnsafeBufferPointer { y in w.hiddenWeight.value.withUnsafeBufferPointer { whh in
                    recurrent.withUnsafeMutableBufferPointer { rec in
                        gemm(.none, .transposed, m: b, n: g, k: h, a: y.baseAddress! + before * width + direction * h,
                             lda: t * width, b: whh.baseAddress!, ldb: h, beta: 1, c: rec.baseAddress!, ldc: g)
                    }
                } }
            }
            for r in 0..<b {
                let row = r * t + now
                let p = row * g, out = row * width + direction * h
                let previousOut = (r * t + before) * width + direction * h
                switch cell {
                case .lstm:
                    for j in 0..<h {
                        let i = sigmoid(projection[p + j] + bih[j] + recurrent[r * g + j])
                        let f = sigmoid(projection[p + h + j] + bih[h + j] + recurrent[r * g + h + j])
                        let c = tanhf(projection[p + 2 * h + j] + bih[2 * h + j] + recurrent[r * g + 2 * h + j])
                        let o = sigmoid(projection[p + 3 * h + j] + bih[3 * h + j] + recurrent[r * g + 3 * h + j])
                        let previousCell: Float = step > 0 ? extra[(r * t + before) * h + j] : 0
                        let state = f * previousCell + i * c
                        gates[p + j] = i; gates[p + h + j] = f; gates[p + 2 * h + j] = c; gates[p + 3 * h + j] = o
                        extra[row * h + j] = state
                        output[out + j] = o * tanhf(state)
                    }
                case .gru:
                    for j in 0..<h {
                        let reset = sigmoid(projection[p + j] + bih[j] + recurrent[r * g + j])
                        let update = sigmoid(projection[p + h + j] + bih[h + j] + recurrent[r * g + h + j])
                        let hn = recurrent[r * g + 2 * h + j]
                        let n = tanhf(projection[p + 2 * h + j] + bih[2 * h + j] + reset * hn)
                        let previous: Float = step > 0 ? output[previousOut + j] : 0
                        gates[p + j] = reset; gates[p + h + j] = update; gates[p + 2 * h + j] = n
                        extra[row * h + j] = hn
                        output[out + j] = (1 - update) * n + update * previous
                    }
                }
            }
        }
        return (gates, extra)
    }

    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        var dy = outputGradient.values
        for l in stride(from: weights.count - 1, through: 0, by: -1) {
            let cache = caches[l]
            var dx = [Float](repeating: 0, count: batch * time * cache.inputSize)
            for (direction, w) in weights[l].enumerated() {
                backwardDirection(direction, w, cache: cache, outputGradient: dy, inputGradient: &dx,
                                  needsInputGradient: needsInputGradient || l > 0)
            }
            dy = dx
        }
        return BatchTensor(shape: cachedShape, batch: batch, values: dy)
    }

    private func backwardDirection(_ direction: Int, _ w: Weights, cache: LayerCache, outputGradient dy: [Float],
                                   inputGradient dx: inout [Float], needsInputGradient: Bool) {
        let (h, g, t, b, d) = (spec.hiddenSize, gateCount * spec.hiddenSize, time, batch, cache.inputSize)
        let width = spec.directions * h
        let gates = cache.gates[direction], extra = cache.extra[direction], output = cache.output
        var dPre = [Float](repeating: 0, count: b * t * g)        // ∂/∂ input projection
        var dRecurrent = [Float](repeating: 0, count: b * t * g)  // ∂/∂ (W_hh h + b_hh)
        var previousHidden = [Float](repeating: 0, count: b * t * h)
        var dhNext = [Float](repeating: 0, count: b * h)
        var dcNext = [Float](repeating: 0, count: b * h)
        for step in stride(from: t - 1, through: 0, by: -1) {
            let now = direction == 0 ? step : t - 1 - step
            let before = direction == 0 ? now - 1 : now + 1
            for r in 0..<b {
                let row = r * t + now
                let p = row * g
                for j in 0..<h {
                    let dh = dy[row * width + direction * h + j] + dhNext[r * h + j]
                    let previous: Float = step > 0 ? output[(r * t + before) * width + direction * h + j] : 0
                    previousHidden[row * h + j] = previous
                    switch cell {
                    case .lstm:
                        let (i, f, c, o) = (gates[p + j], gates[p + h + j], gates[p + 2 * h + j], gates[p + 3 * h + j])
                        let state = extra[row * h + j]
                        let previousCell: Float = step > 0 ? extra[(r * t + before) * h + j] : 0
                        let squashed = tanhf(state)
                        let dc = dcNext[r * h + j] + dh * o * (1 - squashed * squashed)
                        dPre[p + j] = dc * c * i * (1 - i)
                        dPre[p + h + j] = dc * previousCell * f * (1 - f)
                        dPre[p + 2 * h + j] = dc * i * (1 - c * c)
                        dPre[p + 3 * h + j] = dh * squashed * o * (1 - o)
                        dcNext[r * h + j] = dc * f
                        for k in 0..<4 { dRecurrent[p + k * h + j] = dPre[p + k * h + j] }
                        dhNext[r * h + j] = 0
                    case .gru:
                        let (reset, update, n) = (gates[p + j], gates[p + h + j], gates[p + 2 * h + j])
                        let hn = extra[row * h + j]
                        let dn = dh * (1 - update) * (1 - n * n)
                        let dz = dh * (previous - n) * update * (1 - update)
                        let dr = dn * hn * reset * (1 - reset)
                        dPre[p + j] = dr; dPre[p + h + j] = dz; dPre[p + 2 * h + j] = dn
                        dRecurrent[p + j] = dr; dRecurrent[p + h + j] = dz; dRecurrent[p + 2 * h + j] = dn * reset
                        dhNext[r * h + j] = dh * update
                    }
                }
            }
            if step > 0 {
                dRecurrent.withUnsafeBufferPointer { drec in w.hiddenWeight.value.withUnsafeBufferPointer { whh in
                    dhNext.withUnsafeMutableBufferPointer { next in
                        // [B, G·H] · [G·H, H] → [B, H], added to the carried part
                        gemm(.none, .none, m: b, n: h, k: g, a: drec.baseAddress! + now * g, lda: t * g,
                             b: whh.baseAddress!, ldb: h, beta: 1, c: next.baseAddress!, ldc: h)
                    }
                } }
            }
        }
        for row in 0..<(b * t) {
            for j in 0..<g {
                w.inputBias.gradient[j] += dPre[row * g + j]
                w.hiddenBias.gradient[j] += dRecurrent[row * g + j]
            }
        }
        dPre.withUnsafeBufferPointer { dp in
            cache.input.withUnsafeBufferPointer { x in w.inputWeight.gradient.withUnsafeMutableBufferPointer { dw in
                // [G·H, B·T] · [B·T, D] → [G·H, D]
                gemm(.transposed, .none, m: g, n: d, k: b * t, a: dp.baseAddress!, lda: g, b: x.baseAddress!, ldb: d,
                     beta: 1, c: dw.baseAddress!, ldc: d)
            } }
            if needsInputGradient {
                w.inputWeight.value.withUnsafeBufferPointer { wih in dx.withUnsafeMutableBufferPointer { dxp in
                    // [B·T, G·H] · [G·H, D] → [B·T, D]
                    gemm(.none, .none, m: b * t, n: d, k: g, a: dp.baseAddress!, lda: g, b: wih.baseAddress!, ldb: d,
                         beta: 1, c: dxp.baseAddress!, ldc: d)
                } }
            }
        }
        dRecurrent.withUnsafeBufferPointer { drec in previousHidden.withUnsafeBufferPointer { hp in
            w.hiddenWeight.gradient.withUnsafeMutableBufferPointer { dw in
                // [G·H, B·T] · [B·T, H] → [G·H, H]
                gemm(.transposed, .none, m: g, n: h, k: b * t, a: drec.baseAddress!, lda: g, b: hp.baseAddress!, ldb: h,
                     beta: 1, c: dw.baseAddress!, ldc: h)
            }
        } }
    }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
