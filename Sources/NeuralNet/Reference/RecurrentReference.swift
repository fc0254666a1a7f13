import LinearAlgebra

/// The reference forward of a stacked, optionally bidirectional LSTM or GRU over a batch of sequences
/// `[B, T, D]`, PyTorch semantics (gate order i, f, g, o / r, z, n; zero initial state; output
/// `[B, T, dirs·H]` with the forward direction's features first). Equations as `RecurrentKernel`,
/// its single-example serving form (directions stacked into one input projection, biases pre-summed).
///
/// Per stacked layer and direction: the input projection of every step of every example is one
/// `gemm` (`[B·T, D] · W_ihᵀ`); each step adds `h_{t−1} W_hhᵀ + b_hh` for the whole batch with one
/// `gemm`.
package struct RecurrentReference: Sendable {
    package enum Cell: Sendable {
        case lstm, gru
        package var gates: Int { self == .lstm ? 4 : 3 }
    }

    /// One direction of one stacked layer: `weight_ih [G·H, D]`, `weight_hh [G·H, H]`, `bias_ih`,
    /// `bias_hh` `[G·H]`.
    package struct Weights: Sendable {
        package var inputWeight: [Float], hiddenWeight: [Float], inputBias: [Float], hiddenBias: [Float]

        package init(inputWeight: [Float], hiddenWeight: [Float], inputBias: [Float], hiddenBias: [Float]) {
            (self.inputWeight, self.hiddenWeight) = (inputWeight, hiddenWeight)
            (self.inputBias, self.hiddenBias) = (inputBias, hiddenBias)
        }
    }

    /// What the forward pass of one stacked layer computed, for back-propagation through time.
    package struct LayerTrace: Sendable {
        /// `[B·T, inputSize]`.
        package var input: [Float] = []
        package var inputSize = 0
        /// `[B·T, dirs·H]`.
        package var output: [Float] = []
        /// Per direction, `[B·T, G·H]`: activated gates (LSTM i, f, g, o; GRU r, z, n).
        package var gates: [[Float]] = []
        /// Per direction, `[B·T, H]`: the cell state (LSTM) or `W_hn h + b_hn` (GRU).
        package var extra: [[Float]] = []
    }

    package let cell: Cell
    package let spec: RecurrentSpec

    package init(cell: Cell, spec: RecurrentSpec) {
        self.cell = cell
        self.spec = spec
    }

    /// - Parameter weights: `[layer][direction]`.
    /// - Returns: the output and one trace per stacked layer.
    package func forward(_ input: BatchTensor, weights: [[Weights]]) -> (output: BatchTensor, traces: [LayerTrace]) {
        let (batch, time) = (input.batch, input.shape.time!)
        var traces: [LayerTrace] = []
        var x = input.values
        var inputSize = input.shape.dimensions.last!
        for layer in weights {
            var trace = LayerTrace(input: x, inputSize: inputSize)
            trace.output = [Float](repeating: 0, count: batch * time * spec.directions * spec.hiddenSize)
            for (direction, w) in layer.enumerated() {
                let (gates, extra) = runDirection(direction, w, input: x, inputSize: inputSize, batch: batch, time: time,
                                                  output: &trace.output)
                trace.gates.append(gates)
                trace.extra.append(extra)
            }
            x = trace.output
            inputSize = spec.directions * spec.hiddenSize
            traces.append(trace)
        }
        let shape = ActivationShape.sequence(time: time, features: spec.directions * spec.hiddenSize)
        return (BatchTensor(shape: shape, batch: batch, values: x), traces)
    }

    private func runDirection(_ direction: Int, _ w: Weights, input: [Float], inputSize d: Int, batch b: Int, time t: Int,
                              output: inout [Float]) -> (gates: [Float], extra: [Float]) {
        let (h, g) = (spec.hiddenSize, cell.gates * spec.hiddenSize)
        let width = spec.directions * h
        var projection = [Float](repeating: 0, count: b * t * g)
        input.withUnsafeBufferPointer { x in w.inputWeight.withUnsafeBufferPointer { wih in
            projection.withUnsafeMutableBufferPointer { p in
                // [B·T, D] · [D, G·H] → [B·T, G·H]
                gemm(.none, .transposed, m: b * t, n: g, k: d, a: x.baseAddress!, lda: d, b: wih.baseAddress!, ldb: d,
                     c: p.baseAddress!, ldc: g)
            }
        } }
        var gates = [Float](repeating: 0, count: b * t * g)
        var extra = [Float](repeating: 0, count: b * t * h)
        var recurrent = [Float](repeating: 0, count: b * g)
        for step in 0..<t {
            let now = direction == 0 ? step : t - 1 - step
            let before = direction == 0 ? now - 1 : now + 1
            // rec = h_{t−1} W_hhᵀ + b_hh, [B, G·H]
            for r in 0..<b { for j in 0..<g { recurrent[r * g + j] = w.hiddenBias[j] } }
            if step > 0 {
                output.withUnsafeBufferPointer { y in w.hiddenWeight.withUnsafeBufferPointer { whh in
                    recurrent.withUnsafeMutableBufferPointer { rec in
                        gemm(.none, .transposed, m: b, n: g, k: h, a: y.baseAddress! + before * width + direction * h,
                             lda: t * width, b: whh.baseAddress!, ldb: h, beta: 1, c: rec.baseAddress!, ldc: g)
                    }
                } }
            }
            for r in 0..<b {
                let row = r * t + now
                let cellStep = CellStep(projection: row * g, recurrent: r * g, output: row * width + direction * h,
                                        previousOutput: step > 0 ? (r * t + before) * width + direction * h : nil,
                                        previousState: step > 0 ? (r * t + before) * h : nil, state: row * h)
                self.step(cellStep, w, projection: projection, recurrent: recurrent, gates: &gates, extra: &extra,
                          output: &output)
            }
        }
        return (gates, extra)
    }

    /// Offsets of one example's one step: into the projections / gates, the recurrent term, the output
    /// and previous output, and the cell-state (`extra`) rows.
    private struct CellStep {
        var projection: Int, recurrent: Int, output: Int, previousOutput: Int?, previousState: Int?, state: Int
    }

    /// One step of one example: `lstmCell` / `gruCell` per unit, keeping the activated gates and the
    /// cell state (LSTM) or `W_hn h + b_hn` (GRU) for the backward pass.
    private func step(_ s: CellStep, _ w: Weights, projection: [Float], recurrent: [Float], gates: inout [Float],
                      extra: inout [Float], output: inout [Float]) {
        let h = spec.hiddenSize
        let bih = w.inputBias
        func pre(_ gate: Int, _ j: Int) -> Float { projection[s.projection + gate * h + j] + bih[gate * h + j] }
        let p = s.projection
        switch cell {
        case .lstm:
            for j in 0..<h {
                let previousCell: Float = s.previousState.map { extra[$0 + j] } ?? 0
                let unit = lstmCell(i: pre(0, j) + recurrent[s.recurrent + j], f: pre(1, j) + recurrent[s.recurrent + h + j],
                                    g: pre(2, j) + recurrent[s.recurrent + 2 * h + j],
                                    o: pre(3, j) + recurrent[s.recurrent + 3 * h + j], previousCell: previousCell)
                gates[p + j] = unit.i; gates[p + h + j] = unit.f; gates[p + 2 * h + j] = unit.g; gates[p + 3 * h + j] = unit.o
                extra[s.state + j] = unit.cell
                output[s.output + j] = unit.hidden
            }
        case .gru:
            for j in 0..<h {
                let hn = recurrent[s.recurrent + 2 * h + j]
                let unit = gruCell(reset: pre(0, j) + recurrent[s.recurrent + j], update: pre(1, j) + recurrent[s.recurrent + h + j],
                                   inputNew: pre(2, j), hiddenNew: hn, previous: s.previousOutput.map { output[$0 + j] } ?? 0)
                gates[p + j] = unit.r; gates[p + h + j] = unit.z; gates[p + 2 * h + j] = unit.n
                extra[s.state + j] = hn
                output[s.output + j] = unit.hidden
            }
        }
    }
}
