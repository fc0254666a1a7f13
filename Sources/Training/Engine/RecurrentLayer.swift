import LinearAlgebra
import NeuralNet

/// A stacked, optionally bidirectional LSTM or GRU: NeuralNet's `RecurrentReference` forward and
/// back-propagation through time.
///
/// Backward walks the steps in reverse, carrying `dh` (and `dc`), and collects the pre-activation
/// gradients of all steps so that `dW_ih`, `dW_hh` and `dX` are one `gemm` each per layer and direction.
final class RecurrentLayer: TrainableLayer {
    typealias Cell = RecurrentReference.Cell

    /// One direction of one stacked layer.
    struct Weights {
        let inputWeight: Parameter, hiddenWeight: Parameter, inputBias: Parameter, hiddenBias: Parameter
    }

    let reference: RecurrentReference
    /// `[layer][direction]`.
    let weights: [[Weights]]
    var parameters: [Parameter] {
        weights.flatMap { $0.flatMap { [$0.inputWeight, $0.hiddenWeight, $0.inputBias, $0.hiddenBias] } }
    }
    private var caches: [RecurrentReference.LayerTrace] = []
    private var batch = 0, time = 0
    private var cachedShape: ActivationShape = .vector(features: 0)
    private var spec: RecurrentSpec { reference.spec }
    private var gateCount: Int { reference.cell.gates }
    private var cell: Cell { reference.cell }

    init(cell: Cell, spec: RecurrentSpec, weights: [[Weights]]) {
        reference = RecurrentReference(cell: cell, spec: spec)
        self.weights = weights
    }

    /// Layer `index`'s parameters from `store`, per stacked layer and direction; initially every tensor
    /// `U(±1/sqrt(H))` (PyTorch's).
    convenience init(cell: Cell, spec: RecurrentSpec, layer index: Int, parameters store: ParameterStore) {
        let bound = ParameterStore.Initialization.uniform(bound: 1 / Float(spec.hiddenSize).squareRoot())
        let weights = (0..<spec.numLayers).map { l in
            (spec.bidirectional ? ["", "_reverse"] : [""]).map { suffix in
                Weights(inputWeight: store.parameter(index, "weight_ih_l\(l)\(suffix)", bound, decays: true),
                        hiddenWeight: store.parameter(index, "weight_hh_l\(l)\(suffix)", bound, decays: true),
                        inputBias: store.parameter(index, "bias_ih_l\(l)\(suffix)", bound),
                        hiddenBias: store.parameter(index, "bias_hh_l\(l)\(suffix)", bound))
            }
        }
        self.init(cell: cell, spec: spec, weights: weights)
    }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        batch = input.batch
        time = input.shape.time!
        cachedShape = input.shape
        let values = weights.map { layer in
            layer.map {
                RecurrentReference.Weights(inputWeight: $0.inputWeight.value, hiddenWeight: $0.hiddenWeight.value,
                                           inputBias: $0.inputBias.value, hiddenBias: $0.hiddenBias.value)
            }
        }
        let result = reference.forward(input, weights: values)
        caches = result.traces
        return result.output
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

    private func backwardDirection(_ direction: Int, _ w: Weights, cache: RecurrentReference.LayerTrace,
                                   outputGradient dy: [Float], inputGradient dx: inout [Float], needsInputGradient: Bool) {
        let (dPre, dRecurrent, previousHidden) = throughTime(direction, w, cache: cache, outputGradient: dy)
        accumulate(w, cache: cache, dPre: dPre, dRecurrent: dRecurrent, previousHidden: previousHidden,
                   inputGradient: &dx, needsInputGradient: needsInputGradient)
    }

    /// Back-propagation through time of one direction: per step (in reverse) and unit, the gradients
    /// of the gate pre-activations, `dPre` (the input projection's) and `dRecurrent`
    /// (`W_hh h + b_hh`'s), each `[B·T, G·H]`, and the previous hidden states `[B·T, H]` they multiply.
    private func throughTime(_ direction: Int, _ w: Weights, cache: RecurrentReference.LayerTrace,
                             outputGradient dy: [Float]) -> (dPre: [Float], dRecurrent: [Float], previousHidden: [Float]) {
        let (h, g, t, b) = (spec.hiddenSize, gateCount * spec.hiddenSize, time, batch)
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
                        let squashed = rationalTanh(state)
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
        return (dPre, dRecurrent, previousHidden)
    }

    /// Bias, `W_ih`, `W_hh` and (when needed) input gradients of one direction from its
    /// pre-activation gradients: one `gemm` each.
    private func accumulate(_ w: Weights, cache: RecurrentReference.LayerTrace, dPre: [Float], dRecurrent: [Float],
                            previousHidden: [Float], inputGradient dx: inout [Float], needsInputGradient: Bool) {
        let (h, g, t, b, d) = (spec.hiddenSize, gateCount * spec.hiddenSize, time, batch, cache.inputSize)
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

