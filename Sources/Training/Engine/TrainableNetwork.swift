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
    /// `Network`), or with fresh PyTorch-style initial values drawn from `random` when nil.
    public init(spec: NetworkSpec, parameters initial: [String: Tensor]? = nil, random: inout SeededGenerator) throws(NetworkError) {
        let shapes = try spec.parameterShapes()
        let values = initial ?? ParameterInitializer.initialParameters(spec: spec, shapes: shapes, random: &random)
        // Validates names and shapes exactly as inference will.
        _ = try Network(spec: spec, parameters: values)
        self.spec = spec
        var all: [Parameter] = []
        func parameter(_ index: Int, _ suffix: String, trainable: Bool = true, decays: Bool = false) -> Parameter {
            let name = "layers.\(index).\(suffix)"
            let tensor = values[name]!
            let p = Parameter(name: name, shape: tensor.shape, value: tensor.values, trainable: trainable, decays: decays)
            all.append(p)
            return p
        }
        func optional(_ index: Int, _ suffix: String) -> Parameter? {
            values["layers.\(index).\(suffix)"] == nil ? nil : parameter(index, suffix)
        }
        var layers: [any TrainableLayer] = []
        for (index, layer) in spec.layers.enumerated() {
            switch layer {
            case .conv1d(let s), .conv2d(let s):
                layers.append(ConvolutionLayer(spec: s, weight: parameter(index, "weight", decays: true),
                                               bias: optional(index, "bias")))
            case .batchNorm(let s):
                layers.append(BatchNormLayer(
                    spec: s, weight: parameter(index, "weight"), bias: parameter(index, "bias"),
                    runningMean: parameter(index, "running_mean", trainable: false),
                    runningVariance: parameter(index, "running_var", trainable: false)))
            case .activation(let a): layers.append(ActivationLayer(activation: a))
            case .maxPool1d(let s), .maxPool2d(let s): layers.append(PoolingLayer(kind: .max, spec: s))
            case .avgPool1d(let s), .avgPool2d(let s): layers.append(PoolingLayer(kind: .average, spec: s))
            case .dropout(let p): layers.append(DropoutLayer(probability: p))
            case .dense(let s):
                layers.append(DenseLayer(spec: s, weight: parameter(index, "weight", decays: true),
                                         bias: optional(index, "bias")))
            case .flatten: layers.append(FlattenLayer())
            case .toSequence: layers.append(ToSequenceLayer())
            case .statisticsPooling(let s): layers.append(StatisticsPoolingLayer(spec: s))
            case .attentiveStatisticsPooling(let s):
                layers.append(AttentiveStatisticsPoolingLayer(
                    spec: s,
                    attentionWeight: parameter(index, "attention.weight", decays: true),
                    attentionBias: parameter(index, "attention.bias"),
                    scoreWeight: parameter(index, "score.weight", decays: true), scoreBias: parameter(index, "score.bias")))
            case .softmax: layers.append(SoftmaxLayer())
            case .lstm(let s), .gru(let s):
                var stacked: [[RecurrentLayer.Weights]] = []
                for l in 0..<s.numLayers {
                    stacked.append((s.bidirectional ? ["", "_reverse"] : [""]).map { suffix in
                        RecurrentLayer.Weights(
                            inputWeight: parameter(index, "weight_ih_l\(l)\(suffix)", decays: true),
                            hiddenWeight: parameter(index, "weight_hh_l\(l)\(suffix)", decays: true),
                            inputBias: parameter(index, "bias_ih_l\(l)\(suffix)"),
                            hiddenBias: parameter(index, "bias_hh_l\(l)\(suffix)"))
                    })
                }
                let cell: RecurrentLayer.Cell = if case .lstm = layer { .lstm } else { .gru }
                layers.append(RecurrentLayer(cell: cell, spec: s, weights: stacked))
            }
        }
        self.layers = layers
        // `all` was filled in layer order; re-order to the spec's canonical order.
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        self.parameters = shapes.map { byName[$0.name]! }
        logitLayerCount = spec.layers.last == .softmax ? spec.layers.count - 1 : spec.layers.count
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
