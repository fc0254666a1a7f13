#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuralNet

/// An element-wise activation: NeuralNet's forward (`Activation.forward`, the serving functions) and
/// its derivative.
final class ActivationLayer: TrainableLayer {
    let activation: Activation
    var parameters: [Parameter] { [] }
    private var cachedInput: [Float] = []
    private var cachedOutput: [Float] = []

    init(activation: Activation) { self.activation = activation }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedInput = input.values
        let output = activation.forward(input)
        cachedOutput = output.values
        return output
    }

    /// `f'(x)` from the cached input `x` and output `y = f(x)`: tanh and sigmoid through `y`
    /// (`1 − y²`, `y (1 − y)`), the others through `x`.
    func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool) -> BatchTensor {
        var gradient = outputGradient
        guard needsInputGradient else { return gradient }
        let f = activation
        cachedInput.withUnsafeBufferPointer { x in cachedOutput.withUnsafeBufferPointer { y in
            gradient.values.withUnsafeMutableBufferPointer { d in
                switch f {
                case .relu: for i in d.indices { d[i] = x[i] > 0 ? d[i] : 0 }
                case .leakyReLU(let slope): for i in d.indices { d[i] = x[i] >= 0 ? d[i] : slope * d[i] }
                case .elu(let alpha): for i in d.indices { d[i] = x[i] > 0 ? d[i] : d[i] * alpha * expf(x[i]) }
                case .gelu:
                    for i in d.indices {
                        let v = x[i]
                        let cdf = 0.5 * (1 + erff(v * 0.70710678118654752))
                        let pdf = expf(-0.5 * v * v) * 0.3989422804014327
                        d[i] *= cdf + v * pdf
                    }
                case .silu:
                    for i in d.indices { let s = sigmoid(x[i]); d[i] *= s * (1 + x[i] * (1 - s)) }
                case .tanh: for i in d.indices { d[i] *= 1 - y[i] * y[i] }
                case .sigmoid: for i in d.indices { d[i] *= y[i] * (1 - y[i]) }
                }
            }
        } }
        return gradient
    }
}
