/// Why shape inference failed: the time axis is too short for some layer (the caller may try a longer
/// input) or the architecture is inconsistent whatever the length.
enum ShapeError: Error {
    case tooShort(layer: Int?)
    case invalid(layer: Int?, reason: String)
}

extension LayerSpec {
    /// The output shape of this layer for `input`, or why it has none.
    func outputShape(input: ActivationShape, layerIndex i: Int) throws(ShapeError) -> ActivationShape {
        switch self {
        case .conv1d(let s):
            guard case let .channels(_, t) = input else { throw Self.layout(i, "conv1d needs [C, T]", input) }
            try s.validate(rank: 1, layer: i)
            let outT = try slidingOutput(t, s.kernelSize[0], s.stride[0], s.padding[0], s.dilation[0], time: true, i)
            return .channels(channels: s.outChannels, time: outT)
        case .conv2d(let s):
            guard case let .planes(_, h, w) = input else { throw Self.layout(i, "conv2d needs [C, F, T]", input) }
            try s.validate(rank: 2, layer: i)
            let outH = try slidingOutput(h, s.kernelSize[0], s.stride[0], s.padding[0], s.dilation[0], time: false, i)
            let outW = try slidingOutput(w, s.kernelSize[1], s.stride[1], s.padding[1], s.dilation[1], time: true, i)
            return .planes(channels: s.outChannels, height: outH, width: outW)
        case .batchNorm(let s):
            guard s.epsilon >= 0 else { throw .invalid(layer: i, reason: "batch_norm eps must be ≥ 0") }
            return input
        case .activation, .dropout:
            return input
        case .maxPool1d(let s), .avgPool1d(let s):
            guard case let .channels(c, t) = input else { throw Self.layout(i, "1-D pooling needs [C, T]", input) }
            try s.validate(rank: 1, layer: i)
            let outT = try slidingOutput(t, s.kernelSize[0], s.stride[0], s.padding[0], 1, time: true, i)
            return .channels(channels: c, time: outT)
        case .maxPool2d(let s), .avgPool2d(let s):
            guard case let .planes(c, h, w) = input else { throw Self.layout(i, "2-D pooling needs [C, F, T]", input) }
            try s.validate(rank: 2, layer: i)
            let outH = try slidingOutput(h, s.kernelSize[0], s.stride[0], s.padding[0], 1, time: false, i)
            let outW = try slidingOutput(w, s.kernelSize[1], s.stride[1], s.padding[1], 1, time: true, i)
            return .planes(channels: c, height: outH, width: outW)
        case .dense(let s):
            guard s.outFeatures > 0 else { throw .invalid(layer: i, reason: "dense out_features must be > 0") }
            switch input {
            case .vector: return .vector(features: s.outFeatures)
            case let .sequence(t, _): return .sequence(time: t, features: s.outFeatures)
            default: throw Self.layout(i, "dense needs [D] or [T, D] (flatten or pool first)", input)
            }
        case .flatten:
            return .vector(features: input.count)
        case .toSequence:
            switch input {
            case let .planes(c, f, t): return .sequence(time: t, features: c * f)
            case let .channels(c, t): return .sequence(time: t, features: c)
            default: throw Self.layout(i, "to_sequence needs [C, F, T] or [C, T]", input)
            }
        case .statisticsPooling(let s):
            guard s.epsilon >= 0 else { throw .invalid(layer: i, reason: "statistics_pooling eps must be ≥ 0") }
            guard let features = input.timeFeatures else { throw Self.layout(i, "statistics pooling needs a time axis", input) }
            return .vector(features: 2 * features)
        case .attentiveStatisticsPooling(let s):
            guard s.attentionChannels > 0, s.epsilon >= 0 else {
                throw .invalid(layer: i, reason: "attentive pooling needs attention_channels > 0 and eps ≥ 0")
            }
            guard let features = input.timeFeatures else { throw Self.layout(i, "attentive pooling needs a time axis", input) }
            return .vector(features: 2 * features)
        case .softmax:
            switch input {
            case .vector, .sequence: return input
            default: throw Self.layout(i, "softmax needs [D] or [T, D]", input)
            }
        case .lstm(let s), .gru(let s):
            guard case let .sequence(t, _) = input else { throw Self.layout(i, "recurrent layers need [T, D] (use to_sequence)", input) }
            guard s.hiddenSize > 0, s.numLayers > 0 else {
                throw .invalid(layer: i, reason: "recurrent hidden_size and num_layers must be > 0")
            }
            return .sequence(time: t, features: s.directions * s.hiddenSize)
        }
    }

    /// The output shape for an input already validated by `NetworkSpec` shape inference (traps on an
    /// invalid one): the reference forwards' one source of output shapes.
    package func outputShape(_ input: ActivationShape) -> ActivationShape {
        do throws(ShapeError) {
            return try outputShape(input: input, layerIndex: 0)
        } catch {
            preconditionFailure("\(typeName) cannot take \(input): \(error)")
        }
    }

    /// This layer's parameters (name suffix after `layers.i.`, shape) for `input`, in PyTorch
    /// state-dict order.
    func parameterShapes(input: ActivationShape) -> [(String, [Int])] {
        switch self {
        case .conv1d(let s):
            let c = input.dimensions[0]
            return [("weight", [s.outChannels, c, s.kernelSize[0]])] + (s.bias ? [("bias", [s.outChannels])] : [])
        case .conv2d(let s):
            let c = input.dimensions[0]
            return [("weight", [s.outChannels, c] + s.kernelSize)] + (s.bias ? [("bias", [s.outChannels])] : [])
        case .batchNorm:
            let f = input.normalizedFeatures
            return [("weight", [f]), ("bias", [f]), ("running_mean", [f]), ("running_var", [f])]
        case .dense(let s):
            let d = input.dimensions.last!
            return [("weight", [s.outFeatures, d])] + (s.bias ? [("bias", [s.outFeatures])] : [])
        case .attentiveStatisticsPooling(let s):
            let d = input.timeFeatures ?? 0
            let a = s.attentionChannels
            return [("attention.weight", [a, d]), ("attention.bias", [a]), ("score.weight", [1, a]), ("score.bias", [1])]
        case .lstm(let s), .gru(let s):
            let gates = if case .lstm = self { 4 } else { 3 }
            var result: [(String, [Int])] = []
            for layer in 0..<s.numLayers {
                let inputSize = layer == 0 ? input.dimensions.last! : s.directions * s.hiddenSize
                for suffix in s.bidirectional ? ["", "_reverse"] : [""] {
                    result.append(("weight_ih_l\(layer)\(suffix)", [gates * s.hiddenSize, inputSize]))
                    result.append(("weight_hh_l\(layer)\(suffix)", [gates * s.hiddenSize, s.hiddenSize]))
                    result.append(("bias_ih_l\(layer)\(suffix)", [gates * s.hiddenSize]))
                    result.append(("bias_hh_l\(layer)\(suffix)", [gates * s.hiddenSize]))
                }
            }
            return result
        case .activation, .maxPool1d, .maxPool2d, .avgPool1d, .avgPool2d, .dropout, .flatten, .toSequence,
             .statisticsPooling, .softmax:
            return []
        }
    }

    private static func layout(_ layer: Int, _ need: String, _ got: ActivationShape) -> ShapeError {
        .invalid(layer: layer, reason: "\(need), got \(got)")
    }
}

/// Output extent of a convolution or pooling window sliding over `size` samples
/// (`slidingWindowOutputExtent`), or why the window does not fit.
func slidingOutput(_ size: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ dilation: Int,
                   time: Bool, _ layer: Int) throws(ShapeError) -> Int {
    if size + 2 * padding - dilation * (kernel - 1) - 1 < 0 {
        if time { throw .tooShort(layer: layer) }
        throw .invalid(layer: layer, reason: "window of \(kernel) (dilation \(dilation)) does not fit \(size) + 2×\(padding) samples")
    }
    return slidingWindowOutputExtent(size: size, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
}

extension ActivationShape {
    /// Features per time step (`C·F` for planes, `C` for channels, `D` for sequences); nil for vectors.
    package var timeFeatures: Int? {
        switch self {
        case let .planes(c, f, _): c * f
        case let .channels(c, _): c
        case let .sequence(_, d): d
        case .vector: nil
        }
    }

    /// The axis batch normalisation normalises: channels for planes/channels, features otherwise.
    package var normalizedFeatures: Int {
        switch self {
        case let .planes(c, _, _), let .channels(c, _): c
        case let .sequence(_, d), let .vector(d): d
        }
    }
}

extension ConvolutionSpec {
    func validate(rank: Int, layer: Int) throws(ShapeError) {
        guard outChannels > 0 else { throw .invalid(layer: layer, reason: "out_channels must be > 0") }
        guard [kernelSize, stride, padding, dilation].allSatisfy({ $0.count == rank }) else {
            throw .invalid(layer: layer, reason: "kernel_size/stride/padding/dilation must have \(rank) element(s)")
        }
        guard kernelSize.allSatisfy({ $0 > 0 }), stride.allSatisfy({ $0 > 0 }), dilation.allSatisfy({ $0 > 0 }),
              padding.allSatisfy({ $0 >= 0 }) else {
            throw .invalid(layer: layer, reason: "kernel, stride and dilation must be > 0 and padding ≥ 0")
        }
    }
}

extension PoolingSpec {
    func validate(rank: Int, layer: Int) throws(ShapeError) {
        guard [kernelSize, stride, padding].allSatisfy({ $0.count == rank }) else {
            throw .invalid(layer: layer, reason: "kernel_size/stride/padding must have \(rank) element(s)")
        }
        guard kernelSize.allSatisfy({ $0 > 0 }), stride.allSatisfy({ $0 > 0 }) else {
            throw .invalid(layer: layer, reason: "pooling kernel and stride must be > 0")
        }
        // PyTorch's rule; it also guarantees every window holds at least one real sample.
        guard zip(padding, kernelSize).allSatisfy({ $0 >= 0 && $0 <= $1 / 2 }) else {
            throw .invalid(layer: layer, reason: "pooling padding must be between 0 and kernel_size / 2")
        }
    }
}
