/// One layer of a sequential network, with its hyper-parameters.
///
/// Encoded as a flat JSON object with a `"type"` key, e.g.
/// `{"type": "conv2d", "out_channels": 32, "kernel_size": 3, "padding": 1, "bias": false}` or
/// `{"type": "leaky_relu", "negative_slope": 0.01}`. Layer `i`'s parameters are named like PyTorch's
/// `nn.Sequential` state dict: `layers.i.weight`, `layers.i.running_mean`, `layers.i.weight_ih_l0`, ...
public enum LayerSpec: Sendable, Hashable {
    /// `[C, T] → [O, T']`; weight `[O, C, k]`, bias `[O]`.
    case conv1d(ConvolutionSpec)
    /// `[C, H, W] → [O, H', W']`; weight `[O, C, kh, kw]`, bias `[O]`.
    case conv2d(ConvolutionSpec)
    /// Normalises the channel axis (`.planes`, `.channels`) or feature axis (`.sequence`, `.vector`);
    /// parameters `weight`, `bias`, `running_mean`, `running_var`, each `[C]`. PyTorch's integer
    /// `num_batches_tracked` is not stored (F32-only files).
    case batchNorm(BatchNormSpec)
    case activation(Activation)
    case maxPool1d(PoolingSpec)
    case maxPool2d(PoolingSpec)
    case avgPool1d(PoolingSpec)
    case avgPool2d(PoolingSpec)
    /// Identity at inference; kept so layer indices (and parameter names) match the training model.
    case dropout(probability: Float)
    /// `.vector [D] → [O]` or `.sequence [T, D] → [T, O]`; weight `[O, D]`, bias `[O]`.
    case dense(DenseSpec)
    /// Any layout → `.vector` of all elements in row-major order (PyTorch `nn.Flatten()`).
    case flatten
    /// `.planes [C, F, T] → .sequence [T, C·F]`, `.channels [C, T] → .sequence [T, C]`: the CRNN
    /// hand-over from a convolutional front end to a recurrent layer.
    case toSequence
    /// Any time layout → `.vector [2·D]` (`D` = features per time step, `C·F` for planes).
    case statisticsPooling(StatisticsPoolingSpec)
    /// Any time layout → `.vector [2·D]`, attention-weighted.
    case attentiveStatisticsPooling(AttentiveStatisticsPoolingSpec)
    /// Over the feature axis of a `.vector` (or of every step of a `.sequence`).
    case softmax
    /// `.sequence [T, D] → [T, directions·H]`, gate order i, f, g, o.
    case lstm(RecurrentSpec)
    /// `.sequence [T, D] → [T, directions·H]`, gate order r, z, n.
    case gru(RecurrentSpec)

    /// The `"type"` string of this layer in JSON.
    public var typeName: String {
        switch self {
        case .conv1d: "conv1d"
        case .conv2d: "conv2d"
        case .batchNorm: "batch_norm"
        case .activation(let a):
            switch a {
            case .relu: "relu"
            case .leakyReLU: "leaky_relu"
            case .elu: "elu"
            case .gelu: "gelu"
            case .silu: "silu"
            case .tanh: "tanh"
            case .sigmoid: "sigmoid"
            }
        case .maxPool1d: "max_pool1d"
        case .maxPool2d: "max_pool2d"
        case .avgPool1d: "avg_pool1d"
        case .avgPool2d: "avg_pool2d"
        case .dropout: "dropout"
        case .dense: "dense"
        case .flatten: "flatten"
        case .toSequence: "to_sequence"
        case .statisticsPooling: "statistics_pooling"
        case .attentiveStatisticsPooling: "attentive_statistics_pooling"
        case .softmax: "softmax"
        case .lstm: "lstm"
        case .gru: "gru"
        }
    }
}

extension LayerSpec: Codable {
    private enum TypeKey: String, CodingKey { case type }
    private enum ActivationKeys: String, CodingKey { case negativeSlope = "negative_slope", alpha }
    private enum DropoutKeys: String, CodingKey { case probability = "p" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        let activation = try decoder.container(keyedBy: ActivationKeys.self)
        switch type {
        case "conv1d": self = .conv1d(try ConvolutionSpec(from: decoder).expanded(to: 1))
        case "conv2d": self = .conv2d(try ConvolutionSpec(from: decoder).expanded(to: 2))
        case "batch_norm": self = .batchNorm(try BatchNormSpec(from: decoder))
        case "relu": self = .activation(.relu)
        case "leaky_relu":
            self = .activation(.leakyReLU(
                negativeSlope: try activation.decodeIfPresent(Float.self, forKey: .negativeSlope) ?? 0.01))
        case "elu": self = .activation(.elu(alpha: try activation.decodeIfPresent(Float.self, forKey: .alpha) ?? 1))
        case "gelu": self = .activation(.gelu)
        case "silu": self = .activation(.silu)
        case "tanh": self = .activation(.tanh)
        case "sigmoid": self = .activation(.sigmoid)
        case "max_pool1d": self = .maxPool1d(try PoolingSpec(from: decoder).expanded(to: 1))
        case "max_pool2d": self = .maxPool2d(try PoolingSpec(from: decoder).expanded(to: 2))
        case "avg_pool1d": self = .avgPool1d(try PoolingSpec(from: decoder).expanded(to: 1))
        case "avg_pool2d": self = .avgPool2d(try PoolingSpec(from: decoder).expanded(to: 2))
        case "dropout":
            let c = try decoder.container(keyedBy: DropoutKeys.self)
            self = .dropout(probability: try c.decodeIfPresent(Float.self, forKey: .probability) ?? 0.5)
        case "dense": self = .dense(try DenseSpec(from: decoder))
        case "flatten": self = .flatten
        case "to_sequence": self = .toSequence
        case "statistics_pooling": self = .statisticsPooling(try StatisticsPoolingSpec(from: decoder))
        case "attentive_statistics_pooling":
            self = .attentiveStatisticsPooling(try AttentiveStatisticsPoolingSpec(from: decoder))
        case "softmax": self = .softmax
        case "lstm": self = .lstm(try RecurrentSpec(from: decoder))
        case "gru": self = .gru(try RecurrentSpec(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown layer type \"\(type)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case .conv1d(let s), .conv2d(let s): try s.encode(to: encoder)
        case .batchNorm(let s): try s.encode(to: encoder)
        case .activation(.leakyReLU(let slope)):
            var c = encoder.container(keyedBy: ActivationKeys.self)
            try c.encode(slope, forKey: .negativeSlope)
        case .activation(.elu(let alpha)):
            var c = encoder.container(keyedBy: ActivationKeys.self)
            try c.encode(alpha, forKey: .alpha)
        case .activation: break
        case .maxPool1d(let s), .maxPool2d(let s), .avgPool1d(let s), .avgPool2d(let s): try s.encode(to: encoder)
        case .dropout(let p):
            var c = encoder.container(keyedBy: DropoutKeys.self)
            try c.encode(p, forKey: .probability)
        case .dense(let s): try s.encode(to: encoder)
        case .flatten, .toSequence, .softmax: break
        case .statisticsPooling(let s): try s.encode(to: encoder)
        case .attentiveStatisticsPooling(let s): try s.encode(to: encoder)
        case .lstm(let s), .gru(let s): try s.encode(to: encoder)
        }
    }
}

extension ConvolutionSpec {
    /// Repeats single-element extent lists to `rank` elements (`kernel_size: 3` → `[3, 3]`).
    func expanded(to rank: Int) -> ConvolutionSpec {
        var s = self
        s.kernelSize = expand(kernelSize, rank)
        s.stride = expand(stride, rank)
        s.padding = expand(padding, rank)
        s.dilation = expand(dilation, rank)
        return s
    }
}

extension PoolingSpec {
    /// Repeats single-element extent lists to `rank` elements.
    func expanded(to rank: Int) -> PoolingSpec {
        var s = self
        s.kernelSize = expand(kernelSize, rank)
        s.stride = expand(stride, rank)
        s.padding = expand(padding, rank)
        return s
    }
}

private func expand(_ values: [Int], _ rank: Int) -> [Int] {
    values.count == 1 ? Array(repeating: values[0], count: rank) : values
}
