/// One LSTM unit of one step (PyTorch's equations, gate order i, f, g, o), from the gates'
/// pre-activations (input projection + recurrent term + both biases):
/// `c = σ(f) c_{t−1} + σ(i) tanh(g)`, `h = σ(o) tanh(c)`. The one statement of the cell, used by
/// `RecurrentKernel` and `RecurrentReference`.
/// - Returns: the activated gates, the new cell state and the new hidden state.
@inline(__always)
func lstmCell(i: Float, f: Float, g: Float, o: Float,
              previousCell: Float) -> (i: Float, f: Float, g: Float, o: Float, cell: Float, hidden: Float) {
    let (i, f, g, o) = (sigmoid(i), sigmoid(f), rationalTanh(g), sigmoid(o))
    let cell = f * previousCell + i * g
    return (i, f, g, o, cell, o * rationalTanh(cell))
}

/// One GRU unit of one step (PyTorch's equations, gate order r, z, n):
/// `r = σ(reset)`, `z = σ(update)`, `n = tanh(inputNew + r · hiddenNew)`, `h = (1 − z) n + z h_{t−1}`,
/// where `reset` / `update` are the full pre-activations, `inputNew = W_in x + b_in` and
/// `hiddenNew = W_hn h_{t−1} + b_hn`. Used by `RecurrentKernel` and `RecurrentReference`.
/// - Returns: the activated gates and the new hidden state.
@inline(__always)
func gruCell(reset: Float, update: Float, inputNew: Float, hiddenNew: Float,
             previous: Float) -> (r: Float, z: Float, n: Float, hidden: Float) {
    let r = sigmoid(reset), z = sigmoid(update)
    let n = rationalTanh(inputNew + r * hiddenNew)
    return (r, z, n, (1 - z) * n + z * previous)
}
