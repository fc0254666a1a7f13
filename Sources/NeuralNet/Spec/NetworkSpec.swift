/// A sequential network architecture: the input shape and the layer list.
///
/// JSON: `{"input_shape": [1, 64, null], "layers": [{"type": "conv2d", ...}, ...]}`. The last input
/// extent is the time axis and is always variable (`null`); the others are fixed. A 3-element shape
/// is a `.planes [C, F, T]` input, a 2-element one a `.channels [C, T]` input.
public struct NetworkSpec: Sendable, Hashable, Codable {
    /// Fixed leading extents followed by `nil` for time.
    public var inputShape: [Int?]
    public var layers: [LayerSpec]

    public init(inputShape: [Int?], layers: [LayerSpec]) {
        self.inputShape = inputShape
        self.layers = layers
    }

    enum CodingKeys: String, CodingKey { case inputShape = "input_shape", layers }

    /// The key of the `__metadata__` entry holding the spec JSON in a model file.
    public static let metadataKey = "network_spec"

    /// Longest time axis probed when looking for the minimum input length.
    static let timeSearchLimit = 1 << 16

    /// The input's activation shape for `time` frames.
    public func inputActivationShape(time: Int) throws(NetworkError) -> ActivationShape {
        let fixed = inputShape.dropLast()
        guard inputShape.count == 2 || inputShape.count == 3, inputShape.last! == nil else {
            throw .invalidSpec(layer: nil, reason: "input_shape must be [C, T] or [C, F, T] with T null, got \(inputShape)")
        }
        let extents = fixed.compactMap { $0 }
        guard extents.count == fixed.count, extents.allSatisfy({ $0 > 0 }) else {
            throw .invalidSpec(layer: nil, reason: "input_shape leading extents must be positive integers, got \(inputShape)")
        }
        return extents.count == 2
            ? .planes(channels: extents[0], height: extents[1], width: time)
            : .channels(channels: extents[0], time: time)
    }

    /// The activation shapes for an input of `time` frames: element 0 is the input, element `i + 1`
    /// the output of layer `i`.
    public func shapes(time: Int) throws(NetworkError) -> [ActivationShape] {
        do throws(ShapeError) {
            return try shapesOrShapeError(time: time)
        } catch {
            switch error {
            case let .invalid(layer, reason): throw .invalidSpec(layer: layer, reason: reason)
            case .tooShort: throw .inputTooShort(time: time, minimum: try minimumTime())
            }
        }
    }

    /// The smallest number of input frames for which every layer's output is non-empty.
    public func minimumTime() throws(NetworkError) -> Int {
        // Every output extent is non-decreasing in the input's time extent, so the first T that works
        // is the minimum; a doubling probe then bisection keeps this to a few dozen passes.
        var high = 1
        while true {
            do throws(ShapeError) {
                _ = try shapesOrShapeError(time: high)
                break
            } catch {
                if case let .invalid(layer, reason) = error { throw .invalidSpec(layer: layer, reason: reason) }
                guard high < Self.timeSearchLimit else {
                    throw .invalidSpec(layer: nil, reason: "no input shorter than \(Self.timeSearchLimit) frames fits")
                }
                high *= 2
            }
        }
        var low = high / 2  // fails (or is 0)
        while high - low > 1 {
            let mid = (low + high) / 2
            if (try? shapesOrShapeError(time: mid)) != nil { high = mid } else { low = mid }
        }
        return high
    }

    /// Every parameter tensor's name and shape, in layer order (PyTorch state-dict order within a layer).
    ///
    /// Parameter shapes must not depend on the input length; an architecture where they would (e.g.
    /// `flatten` of a time axis followed by `dense`) is rejected.
    public func parameterShapes() throws(NetworkError) -> [(name: String, shape: [Int])] {
        let minimum = try minimumTime()
        let first = try parameterShapes(shapes: try shapes(time: minimum))
        let second = try parameterShapes(shapes: try shapes(time: minimum + 7))
        for (a, b) in zip(first, second) where a.shape != b.shape {
            throw .invalidSpec(layer: nil, reason: "parameter \(a.name) would depend on the input length "
                + "(\(a.shape) vs \(b.shape)); pool over time before layers with weights over time")
        }
        return first
    }

    private func parameterShapes(shapes: [ActivationShape]) throws(NetworkError) -> [(name: String, shape: [Int])] {
        var result: [(name: String, shape: [Int])] = []
        for (index, layer) in layers.enumerated() {
            for (suffix, shape) in layer.parameterShapes(input: shapes[index]) {
                result.append((name: "layers.\(index).\(suffix)", shape: shape))
            }
        }
        return result
    }

    func shapesOrShapeError(time: Int) throws(ShapeError) -> [ActivationShape] {
        let input: ActivationShape
        do throws(NetworkError) {
            input = try inputActivationShape(time: time)
        } catch {
            throw .invalid(layer: nil, reason: error.description)
        }
        if time < 1 { throw .tooShort(layer: nil) }
        var shapes = [input]
        for (index, layer) in layers.enumerated() {
            shapes.append(try layer.outputShape(input: shapes[index], layerIndex: index))
        }
        return shapes
    }
}
