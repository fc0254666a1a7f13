/// One named parameter tensor of a trainable network and its gradient.
///
/// Names and shapes are NeuralNet's (`NetworkSpec.parameterShapes()`, PyTorch state-dict style), so
/// the values of all parameters form a dictionary `Network(spec:parameters:)` accepts directly.
/// BatchNorm's `running_mean` / `running_var` are parameters that are not trainable (buffers): the
/// optimiser skips them and their `gradient` stays zero.
public final class Parameter {
    /// e.g. `layers.0.weight`.
    public let name: String
    /// PyTorch layout, e.g. `[out, in, kh, kw]`.
    public let shape: [Int]
    /// Row-major values.
    public var value: [Float]
    /// ∂loss/∂value, accumulated by `backward` until `zeroGradient()`.
    public var gradient: [Float]
    /// False for BatchNorm running statistics.
    public let trainable: Bool
    /// Whether weight decay applies (weights of conv/dense/recurrent/attention layers; not biases or
    /// BatchNorm's affine parameters, the usual practice).
    public let decays: Bool

    public init(name: String, shape: [Int], value: [Float], trainable: Bool = true, decays: Bool = false) {
        precondition(value.count == shape.reduce(1, *), "Parameter \(name): \(value.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.value = value
        self.gradient = [Float](repeating: 0, count: value.count)
        self.trainable = trainable
        self.decays = decays
    }

    public var count: Int { value.count }

    public func zeroGradient() {
        for i in gradient.indices { gradient[i] = 0 }
    }
}
