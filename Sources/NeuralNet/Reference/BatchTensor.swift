/// A batch of activations for the reference forwards and training: `batch` examples of one
/// `ActivationShape` each, stored example-major (example `b` is the contiguous run
/// `values[b·shape.count ..< (b+1)·shape.count]`, laid out exactly as `Network.forward`'s
/// single-example activation; see `Tensor`).
///
/// So a `.planes [C, H, W]` batch is PyTorch's NCHW, a `.sequence [T, D]` batch is `[B, T, D]`
/// (`batch_first=True`), and a `.vector [D]` batch is `[B, D]`.
public struct BatchTensor: Sendable, Equatable {
    /// The shape of ONE example.
    public var shape: ActivationShape
    /// Number of examples (the leading axis).
    public var batch: Int
    /// `batch · shape.count` floats.
    public var values: [Float]

    public init(shape: ActivationShape, batch: Int, values: [Float]) {
        precondition(values.count == batch * shape.count, "BatchTensor: \(values.count) values for \(batch) × \(shape)")
        self.shape = shape
        self.batch = batch
        self.values = values
    }

    /// A zero-filled batch.
    public init(shape: ActivationShape, batch: Int) {
        self.init(shape: shape, batch: batch, values: [Float](repeating: 0, count: batch * shape.count))
    }

    /// Floats per example.
    public var exampleCount: Int { shape.count }

    /// Example `index` as a standalone array.
    public func example(_ index: Int) -> [Float] {
        Array(values[(index * exampleCount)..<((index + 1) * exampleCount)])
    }
}

extension ActivationShape {
    /// `(outer, channels, inner)`: the per-example layout seen as `[outer, channels, inner]` around the
    /// axis batch normalisation normalises (channels of planes/channels, features of sequences/vectors).
    /// `outer` counts rows per example (1 for planes/channels/vectors, `T` for sequences).
    package var normalizationLayout: (outer: Int, channels: Int, inner: Int) {
        switch self {
        case let .planes(c, h, w): (1, c, h * w)
        case let .channels(c, t): (1, c, t)
        case let .sequence(t, d): (t, d, 1)
        case let .vector(d): (1, d, 1)
        }
    }

    /// Whether the time axis is the fastest one (`[D, T]` feature-major) rather than `[T, D]`.
    package var isFeatureMajor: Bool {
        switch self {
        case .planes, .channels: true
        case .sequence, .vector: false
        }
    }
}
