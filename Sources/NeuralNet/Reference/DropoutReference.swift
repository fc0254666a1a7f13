/// The reference forward of inverted dropout: in training each element is kept with probability
/// `1 − p` and scaled by `1 / (1 − p)`; in evaluation (and in `Network`, which drops the layer) it is
/// the identity.
package struct DropoutReference: Sendable {
    package let probability: Float

    package init(probability: Float) { self.probability = probability }

    /// - Parameter random: draws the mask (24-bit uniforms, `next() >> 40`), so a seeded run repeats.
    /// - Returns: the output and the mask applied (empty when the layer is the identity).
    package func forward(_ input: BatchTensor, mode: ForwardMode,
                         random: inout some RandomNumberGenerator) -> (output: BatchTensor, mask: [Float]) {
        guard mode == .training, probability > 0 else { return (input, []) }
        let scale = probability < 1 ? 1 / (1 - probability) : 0
        let mask = (0..<input.values.count).map { _ in Float(random.next() >> 40) * 0x1p-24 >= probability ? scale : 0 }
        var output = input
        for i in output.values.indices { output.values[i] *= mask[i] }
        return (output, mask)
    }
}
