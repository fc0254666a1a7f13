import NeuralNet

/// Initial parameter values, PyTorch's defaults except where noted:
/// - conv weights: He (Kaiming) uniform for ReLU, `U(±sqrt(6 / fan_in))`, since every conv in our
///   architectures feeds BatchNorm + ReLU; biases `U(±1/sqrt(fan_in))`;
/// - dense and attention weights and biases: `U(±1/sqrt(fan_in))` (PyTorch's `nn.Linear`);
/// - BatchNorm: γ = 1, β = 0, running mean 0, running variance 1;
/// - LSTM/GRU: every tensor `U(±1/sqrt(H))`.
enum ParameterInitializer {
    static func initialParameters(spec: NetworkSpec, shapes: [(name: String, shape: [Int])],
                                  random: inout SeededGenerator) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, shape) in shapes {
            let parts = name.split(separator: ".")
            let index = Int(parts[1])!
            let suffix = parts.dropFirst(2).joined(separator: ".")
            let count = shape.reduce(1, *)
            func uniform(_ bound: Float) -> Tensor {
                Tensor(shape: shape, values: (0..<count).map { _ in (2 * random.nextUniform() - 1) * bound })
            }
            let layer = spec.layers[index]
            switch layer {
            case .conv1d, .conv2d:
                let weightShape = shapes.first { $0.name == "layers.\(index).weight" }!.shape
                let fanIn = Float(weightShape.dropFirst().reduce(1, *))
                result[name] = suffix == "weight" ? uniform((6 / fanIn).squareRoot()) : uniform(1 / fanIn.squareRoot())
            case .batchNorm:
                result[name] = Tensor(shape: shape, repeating: suffix == "weight" || suffix == "running_var" ? 1 : 0)
            case .dense:
                let fanIn = Float(shapes.first { $0.name == "layers.\(index).weight" }!.shape[1])
                result[name] = uniform(1 / fanIn.squareRoot())
            case .attentiveStatisticsPooling:
                let group = suffix.hasPrefix("attention") ? "attention" : "score"
                let fanIn = Float(shapes.first { $0.name == "layers.\(index).\(group).weight" }!.shape[1])
                result[name] = uniform(1 / fanIn.squareRoot())
            case .lstm(let s), .gru(let s):
                result[name] = uniform(1 / Float(s.hiddenSize).squareRoot())
            default:
                preconditionFailure("layer \(index) (\(layer.typeName)) has no parameters, got \(name)")
            }
        }
        return result
    }
}
