import NeuralNet

/// A `NetworkSpec` as differentiable layers: batched forward with cached activations, backward to
/// parameter (and input) gradients, and the parameters under NeuralNet's names, so
/// `network()` is the inference `Network` of the current weights.
public final class TrainableNetwork {
    public let spec: NetworkSpec
    let layers: [any TrainableLayer]
    /// Every parameter in `spec.parameterShapes()` order (including BatchNorm running statistics).
    public let parameters: [Parameter]
    /// Number of layers before a final `softmax`, if the spec ends in one: training and the loss use
    /// the logits before it.
    let logitLayerCount: Int

    /// Builds the layers with `parameters` (every name of `spec.parameterShapes()`, shapes checked by
    /// `Network`), or with fresh initial values drawn from `random` when nil (each layer's own
    /// initialisation, see their `init(spec:layer:parameters:)`).
    public init(spec: NetworkSpec, parameters initial: [String: Tensor]? = nil, random: inout SeededGenerator) throws(NetworkError) {
        let shapes = try spec.parameterShapes()
        // Validates names and shapes exactly as inference will.
        if let initial { _ = try Network(spec: spec, parameters: initial) }
        self.spec = spec
        let store = ParameterStore(shapes: shapes, given: initial, random: random)
        layers = spec.layers.enumerated().map { index, layer in Self.layer(layer, index: index, parameters: store) }
        random = store.random
        // The layers asked in layer order; re-order to the spec's canonical order.
        let byName = Dictionary(uniqueKeysWithValues: store.created.map { ($0.name, $0) })
        self.parameters = shapes.map { byName[$0.name]! }
        logitLayerCount = spec.layers.last == .softmax ? spec.layers.count - 1 : spec.layers.count
    }

    /// The differentiable layer of one `LayerSpec` (the engine's one dispatch on the layer type).
    private static func layer(_ layer: LayerSpec, index: Int, parameters store: ParameterStore) -> any TrainableLayer {
        switch layer {
        case .conv1d(let s), .conv2d(let s): ConvolutionLayer(spec: s, layer: index, parameters: store)
        case .batchNorm(let s): BatchNormLayer(spec: s, layer: index, parameters: store)
        case .activation(let a): ActivationLayer(activation: a)
        case .maxPool1d(let s), .maxPool2d(let s): PoolingLayer(kind: .max, spec: s)
        case .avgPool1d(let s), .avgPool2d(let s): PoolingLayer(kind: .average, spec: s)
        case .dropout(let p): DropoutLayer(probability: p)
        case .dense(let s): DenseLayer(spec: s, layer: index, parameters: store)
        case .flatten: FlattenLayer()
        case .toSequence: ToSequenceLayer()
        case .statisticsPooling(let s): StatisticsPoolingLayer(spec: s)
        case .attentiveStatisticsPooling(let s): AttentiveStatisticsPoolingLayer(spec: s, layer: index, parameters: store)
        case .softmax: SoftmaxLayer()
        case .lstm(let s): RecurrentLayer(cell: .lstm, spec: s, layer: index, parameters: store)
        case .gru(let s): RecurrentLayer(cell: .gru, spec: s, layer: index, parameters: store)
        }
    }

    /// Parameters the optimiser updates.
    public var trainableParameters: [Parameter] { parameters.filter(\.trainable) }

    /// The current values by name, ready for `Network(spec:parameters:)` or a safetensors file.
    public var parameterTensors: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, Tensor(shape: $0.shape, values: $0.value)) })
    }

    /// Replaces parameter values (e.g. from a checkpoint); every name must exist with the same shape.
    public func load(_ tensors: [String: Tensor]) {
        for p in parameters {
            guard let t = tensors[p.name] else { preconditionFailure("load: missing \(p.name)") }
            precondition(t.shape == p.shape, "load: \(p.name) has shape \(t.shape), expected \(p.shape)")
            p.value = t.values
        }
    }

    /// The inference network of the current weights.
    public func network() throws(NetworkError) -> Network {
        try Network(spec: spec, parameters: parameterTensors)
    }

    /// The input batch shape for examples of `time` frames.
    public func inputShape(time: Int) throws(NetworkError) -> ActivationShape {
        try spec.inputActivationShape(time: time)
    }

    /// Runs every layer (including a final softmax).
    public func forward(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        run(input, layerCount: layers.count, mode: mode, random: &random)
    }

    /// Runs the layers up to the logits (all but a final softmax): what the loss is computed on.
    public func logits(_ input: BatchTensor, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        run(input, layerCount: logitLayerCount, mode: mode, random: &random)
    }

    private func run(_ input: BatchTensor, layerCount: Int, mode: ForwardMode, random: inout SeededGenerator) -> BatchTensor {
        lastLayerCount = layerCount
        var x = input
        for layer in layers.prefix(layerCount) { x = layer.forward(x, mode: mode, random: &random) }
        return x
    }

    private var lastLayerCount = 0

    /// Back-propagates ∂loss/∂output of the last `forward`/`logits` call through the layers it ran,
    /// accumulating parameter gradients; returns ∂loss/∂input when `needsInputGradient`.
    @discardableResult
    public func backward(_ outputGradient: BatchTensor, needsInputGradient: Bool = false) -> BatchTensor {
        var gradient = outputGradient
        for index in stride(from: lastLayerCount - 1, through: 0, by: -1) {
            gradient = layers[index].backward(gradient, needsInputGradient: needsInputGradient || index > 0)
        }
        return gradient
    }

    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }
}
