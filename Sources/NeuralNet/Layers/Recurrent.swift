#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// A stacked, optionally bidirectional LSTM or GRU over a sequence `[T, D]`, with PyTorch's equations,
/// gate order and zero initial state; output `[T, directions·H]` (forward features first, like PyTorch's
/// `batch_first=True` output).
///
/// LSTM (gates i, f, g, o): `c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)`, `h_t = σ(o) ⊙ tanh(c_t)`.
/// GRU (gates r, z, n): `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
/// `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}`.
///
/// Per stacked layer, the input projection of all time steps and both directions is ONE gemm
/// (`[T, D] · [D, dirs·G·H]`); then each step adds `W_hh h_{t−1}` with one small gemm.
struct RecurrentKernel: LayerKernel {
    enum Cell: Sendable {
        case lstm, gru
        var gates: Int { self == .lstm ? 4 : 3 }
    }

    /// One stacked layer's weights.
    struct Layer: Sendable {
        let inputSize: Int
        /// Both directions' `weight_ih` stacked: `[dirs·G·H, inputSize]`.
        let inputWeights: [Float]
        /// Bias added to the input projection, `[dirs·G·H]`: `b_ih + b_hh` for LSTM; for GRU `b_ih + b_hh`
        /// on the r and z gates and `b_in` alone on n (`b_hn` must stay inside `r ⊙ (…)`).
        let inputBias: [Float]
        /// `weight_hh` per direction, `[G·H, H]`.
        let hiddenWeights: [[Float]]
        /// GRU only: `b_hn` per direction, `[H]`.
        let hiddenNewBias: [[Float]]
    }

    let cell: Cell
    let hiddenSize: Int
    let directions: Int
    let layers: [Layer]

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        .sequence(time: input.time!, features: directions * hiddenSize)
    }

    func scratchCount(_ input: ActivationShape, tiling: ConvolutionTiling) -> Int {
        let t = input.time!
        let projections = t * directions * cell.gates * hiddenSize
        let state = cell.gates * hiddenSize
        let intermediates = layers.count > 1 ? 2 * t * directions * hiddenSize : 0
        return projections + state + intermediates
    }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        let t = shape.time!
        let width = directions * hiddenSize
        let projections = scratch
        let state = projections + t * directions * cell.gates * hiddenSize
        let intermediate = [state + cell.gates * hiddenSize, state + cell.gates * hiddenSize + t * width]
        var source = UnsafePointer(input)
        for (index, layer) in layers.enumerated() {
            let target = index == layers.count - 1 ? output : intermediate[index % 2]
            run(layer, input: source, time: t, output: target, projections: projections, state: state)
            source = UnsafePointer(target)
        }
    }

    private func run(_ layer: Layer, input: UnsafePointer<Float>, time t: Int, output: UnsafeMutablePointer<Float>,
                     projections: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<Float>) {
        let h = hiddenSize
        let gateWidth = cell.gates * h
        let projectionWidth = directions * gateWidth
        let outputWidth = directions * h
        layer.inputWeights.withUnsafeBufferPointer { w in
            // [T, D] · [D, dirs·G·H] (weight_ih read transposed) → [T, dirs·G·H]
            gemm(.none, .transposed, m: t, n: projectionWidth, k: layer.inputSize, a: input, lda: layer.inputSize,
                 b: w.baseAddress!, ldb: layer.inputSize, c: projections, ldc: projectionWidth)
        }
        layer.inputBias.withUnsafeBufferPointer { b in
            biasActivationColumns(projections, rows: t, columns: projectionWidth, bias: b.baseAddress, activation: nil)
        }
        for direction in 0..<directions {
            layer.hiddenWeights[direction].withUnsafeBufferPointer { hiddenWeights in
                let whh = hiddenWeights.baseAddress!
                for step in 0..<t {
                    let time = direction == 0 ? step : t - 1 - step
                    let previousTime = direction == 0 ? time - 1 : time + 1
                    let gates = projections + time * projectionWidth + direction * gateWidth
                    let hOut = output + time * outputWidth + direction * h
                    let hPrevious: UnsafeMutablePointer<Float>? = step == 0 ? nil : output + previousTime * outputWidth + direction * h
                    switch cell {
                    case .lstm:
                        let c = state  // [H], carried across steps
                        if let hPrevious {
                            // [1, H] · [H, 4H] (weight_hh read transposed), accumulated onto the projection
                            gemm(.none, .transposed, m: 1, n: gateWidth, k: h, a: hPrevious, lda: h,
                                 b: whh, ldb: h, beta: 1, c: gates, ldc: gateWidth)
                        }
                        for j in 0..<h {
                            let unit = lstmCell(i: gates[j], f: gates[h + j], g: gates[2 * h + j], o: gates[3 * h + j],
                                                previousCell: step == 0 ? 0 : c[j])
                            c[j] = unit.cell
                            hOut[j] = unit.hidden
                        }
                    case .gru:
                        let recurrent = state  // [3H] = W_hh h_{t−1}
                        if let hPrevious {
                            // [1, H] · [H, 3H] (weight_hh read transposed) → [3H]
                            gemm(.none, .transposed, m: 1, n: gateWidth, k: h, a: hPrevious, lda: h,
                                 b: whh, ldb: h, c: recurrent, ldc: gateWidth)
                        } else {
                            recurrent.update(repeating: 0, count: gateWidth)
                        }
                        layer.hiddenNewBias[direction].withUnsafeBufferPointer { bhn in
                            for j in 0..<h {
                                hOut[j] = gruCell(reset: gates[j] + recurrent[j], update: gates[h + j] + recurrent[h + j],
                                                  inputNew: gates[2 * h + j], hiddenNew: recurrent[2 * h + j] + bhn[j],
                                                  previous: hPrevious?[j] ?? 0).hidden
                            }
                        }
                    }
                }
            }
        }
    }
}
