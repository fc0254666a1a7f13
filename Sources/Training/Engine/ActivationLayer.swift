#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuralNet

/// An element-wise activation (PyTorch definitions, GELU in the exact erf form) and its derivative.
final class ActivationLayer: TrainableLayer {
    let activation: Activation
    var parameters: [Parameter] { [] }
    private var cachedInput: [Float] = []
    private var cachedOutput: [Float] = []

    init(activation: Activation) { self.activation = activation }

    func outputShape(_ input: ActivationShape) -> ActivationShape { input }

    func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        cachedInput = input.values
        var output = input
        let f = activation
        output.values.withUnsafeMutableBufferPointer { y in
            switch f {
            case .relu: for i in y.indices { y[i] = max(y[i], 0) }
            case .leakyReLU(let slope): for i in y.indices { y[i] = y[i] >= 0 ? y[i] : slope * y[i] }
            case .elu(let alpha): for i in y.indices { y[i] = y[i] > 0 ? y[i] : alpha * (expf(y[i]) - 1) }
            case .gelu: for i in y.indices { y[i] = 0.5 * y[i] * (1 + erff(y[i] * 0.70710678118654752)) }
            case .silu: for i in y.indices { y[i] = y[i] / (1 + expf(-y[i])) }
            case .tanh: for i in y.indices { y[i] = tanhf(y[i]) }
            case .sigmoid: for i in y.indices { y[i] = 1 / (1 + expf(-y[i])) }
            }
        }
        cachedOutput = output.values
        return output
    }

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
                    for i in d.indices { let s = 1 / (1 + expf(-x[i])); d[i] *= s * (1 + x[i] * (1 - s)) }
                case .tanh: for i in d.indices { d[i] *= 1 - y[i] * y[i] }
                case .sigmoid: for i in d.indices { d[i] *= y[i] * (1 - y[i]) }
                }
            }
        } }
        return gradient
    }
}
