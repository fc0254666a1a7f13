/// The shape of one activation together with its layout (see `Tensor` for the layouts).
public enum ActivationShape: Sendable, Hashable, CustomStringConvertible {
    /// `[C, H, W]`: channels × frequency × time.
    case planes(channels: Int, height: Int, width: Int)
    /// `[C, T]`: channels × time.
    case channels(channels: Int, time: Int)
    /// `[T, D]`: time steps × features.
    case sequence(time: Int, features: Int)
    /// `[D]`: a single feature vector.
    case vector(features: Int)

    /// The extents, outermost first, as stored row-major.
    public var dimensions: [Int] {
        switch self {
        case let .planes(c, h, w): [c, h, w]
        case let .channels(c, t): [c, t]
        case let .sequence(t, d): [t, d]
        case let .vector(d): [d]
        }
    }

    /// Number of elements.
    public var count: Int { dimensions.reduce(1, *) }

    /// The time extent, or nil for `.vector` (time already pooled away).
    public var time: Int? {
        switch self {
        case let .planes(_, _, w): w
        case let .channels(_, t): t
        case let .sequence(t, _): t
        case .vector: nil
        }
    }

    public var description: String {
        switch self {
        case let .planes(c, h, w): "planes [C=\(c), H=\(h), W=\(w)]"
        case let .channels(c, t): "channels [C=\(c), T=\(t)]"
        case let .sequence(t, d): "sequence [T=\(t), D=\(d)]"
        case let .vector(d): "vector [D=\(d)]"
        }
    }
}
