// Hyper-parameters of the layers in a `LayerSpec`. JSON keys are PyTorch's argument names
// (`out_channels`, `kernel_size`, ...) so a Python exporter can write them directly; omitted keys take
// PyTorch's defaults. Extents of 2-D layers are `[frequency, time]` pairs; a single integer is accepted
// for any extent list and repeated (like PyTorch's `kernel_size=3`).

/// A convolution (`conv1d` or `conv2d`); input channels are inferred from the incoming shape.
public struct ConvolutionSpec: Sendable, Hashable, Codable {
    public var outChannels: Int
    /// `[kh, kw]` for 2-D, `[k]` for 1-D, in input samples.
    public var kernelSize: [Int]
    public var stride: [Int]
    /// Zero padding added on both sides of each axis.
    public var padding: [Int]
    public var dilation: [Int]
    /// Whether the layer has a `bias` parameter (PyTorch convs before BatchNorm often have none).
    public var bias: Bool

    public init(outChannels: Int, kernelSize: [Int], stride: [Int]? = nil, padding: [Int]? = nil,
                dilation: [Int]? = nil, bias: Bool = true) {
        let rank = kernelSize.count
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride ?? Array(repeating: 1, count: rank)
        self.padding = padding ?? Array(repeating: 0, count: rank)
        self.dilation = dilation ?? Array(repeating: 1, count: rank)
        self.bias = bias
    }

    enum CodingKeys: String, CodingKey {
        case outChannels = "out_channels", kernelSize = "kernel_size", stride, padding, dilation, bias
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kernel = try c.decodeExtents(.kernelSize)
        self.init(outChannels: try c.decode(Int.self, forKey: .outChannels),
                  kernelSize: kernel,
                  stride: try c.decodeExtentsIfPresent(.stride),
                  padding: try c.decodeExtentsIfPresent(.padding),
                  dilation: try c.decodeExtentsIfPresent(.dilation),
                  bias: try c.decodeIfPresent(Bool.self, forKey: .bias) ?? true)
    }
}

/// Max or average pooling (`ceil_mode=False`; average pooling counts padding, PyTorch's default).
public struct PoolingSpec: Sendable, Hashable, Codable {
    /// `[kh, kw]` for 2-D, `[k]` for 1-D.
    public var kernelSize: [Int]
    /// Defaults to `kernelSize`, as in PyTorch.
    public var stride: [Int]
    public var padding: [Int]

    public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int]? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding ?? Array(repeating: 0, count: kernelSize.count)
    }

    enum CodingKeys: String, CodingKey { case kernelSize = "kernel_size", stride, padding }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kernelSize: try c.decodeExtents(.kernelSize),
                  stride: try c.decodeExtentsIfPresent(.stride),
                  padding: try c.decodeExtentsIfPresent(.padding))
    }
}

/// Batch normalisation over the channel (or feature) axis with running statistics.
public struct BatchNormSpec: Sendable, Hashable, Codable {
    /// Added to the running variance before the square root (PyTorch `eps`).
    public var epsilon: Float

    public init(epsilon: Float = 1e-5) { self.epsilon = epsilon }

    enum CodingKeys: String, CodingKey { case epsilon = "eps" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epsilon: try c.decodeIfPresent(Float.self, forKey: .epsilon) ?? 1e-5)
    }
}

/// A fully connected layer, `y = W x + b` with `W` `[out, in]`, applied to a vector or to every time
/// step of a sequence.
public struct DenseSpec: Sendable, Hashable, Codable {
    public var outFeatures: Int
    public var bias: Bool

    public init(outFeatures: Int, bias: Bool = true) {
        self.outFeatures = outFeatures
        self.bias = bias
    }

    enum CodingKeys: String, CodingKey { case outFeatures = "out_features", bias }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(outFeatures: try c.decode(Int.self, forKey: .outFeatures),
                  bias: try c.decodeIfPresent(Bool.self, forKey: .bias) ?? true)
    }
}

/// An LSTM or GRU over a sequence, PyTorch semantics (`batch_first=True`, zero initial state).
public struct RecurrentSpec: Sendable, Hashable, Codable {
    public var hiddenSize: Int
    /// Stacked layers; layer `l > 0` reads layer `l - 1`'s output (both directions concatenated).
    public var numLayers: Int
    public var bidirectional: Bool

    public init(hiddenSize: Int, numLayers: Int = 1, bidirectional: Bool = false) {
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bidirectional = bidirectional
    }

    enum CodingKeys: String, CodingKey { case hiddenSize = "hidden_size", numLayers = "num_layers", bidirectional }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
                  numLayers: try c.decodeIfPresent(Int.self, forKey: .numLayers) ?? 1,
                  bidirectional: try c.decodeIfPresent(Bool.self, forKey: .bidirectional) ?? false)
    }

    /// 1 or 2.
    public var directions: Int { bidirectional ? 2 : 1 }
}

/// Mean and standard deviation over time, concatenated `[mean, std]`.
///
/// `std = sqrt(max(var, epsilon))` with the population variance (divide by T), so silent inputs give
/// a finite, differentiable value.
public struct StatisticsPoolingSpec: Sendable, Hashable, Codable {
    public var epsilon: Float

    public init(epsilon: Float = 1e-5) { self.epsilon = epsilon }

    enum CodingKeys: String, CodingKey { case epsilon = "eps" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epsilon: try c.decodeIfPresent(Float.self, forKey: .epsilon) ?? 1e-5)
    }
}

/// Attentive statistics pooling (Okabe et al., 2018): `e_t = vᵀ tanh(W h_t + b) + k`,
/// `α = softmax_t(e)`, output `[Σ α_t h_t, sqrt(max(Σ α_t (h_t − μ)², epsilon))]`.
/// Parameters: `attention.weight [A, D]`, `attention.bias [A]`, `score.weight [1, A]`, `score.bias [1]`.
public struct AttentiveStatisticsPoolingSpec: Sendable, Hashable, Codable {
    /// Width `A` of the hidden tanh layer of the attention MLP.
    public var attentionChannels: Int
    public var epsilon: Float

    public init(attentionChannels: Int, epsilon: Float = 1e-5) {
        self.attentionChannels = attentionChannels
        self.epsilon = epsilon
    }

    enum CodingKeys: String, CodingKey { case attentionChannels = "attention_channels", epsilon = "eps" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(attentionChannels: try c.decode(Int.self, forKey: .attentionChannels),
                  epsilon: try c.decodeIfPresent(Float.self, forKey: .epsilon) ?? 1e-5)
    }
}

/// Element-wise activation functions (PyTorch definitions; GELU is the exact erf form).
public enum Activation: Sendable, Hashable {
    case relu
    case leakyReLU(negativeSlope: Float)
    case elu(alpha: Float)
    case gelu
    case silu
    case tanh
    case sigmoid
}

extension KeyedDecodingContainer {
    /// An extent list written either as `[a, b]` or as a single integer.
    func decodeExtents(_ key: Key) throws -> [Int] {
        if let single = try? decode(Int.self, forKey: key) { return [single] }
        return try decode([Int].self, forKey: key)
    }

    func decodeExtentsIfPresent(_ key: Key) throws -> [Int]? {
        contains(key) ? try decodeExtents(key) : nil
    }
}
