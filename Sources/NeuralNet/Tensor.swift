/// A dense float32 tensor: a shape and its row-major (C-order, last axis fastest) values.
///
/// ## Activation layout (documented here once for the whole target)
///
/// Inference runs one example at a time (batch size 1, so there is no batch axis). Every activation is
/// row-major and has one of four layouts, tracked by `ActivationShape`:
///
/// | layout     | shape        | meaning                                     | PyTorch equivalent (batch 1) |
/// |------------|--------------|---------------------------------------------|------------------------------|
/// | `.planes`  | `[C, H, W]`  | channels × frequency × time (time fastest)  | `[1, C, H, W]` (NCHW)        |
/// | `.channels`| `[C, T]`     | channels × time (time fastest)              | `[1, C, T]` (NCL)            |
/// | `.sequence`| `[T, D]`     | time steps × features (features fastest)    | `[1, T, D]` (batch-first)    |
/// | `.vector`  | `[D]`        | one feature vector                          | `[1, D]`                     |
///
/// The network input is `.planes` `[C, F, T]` (e.g. `[1, 64 mel bands, frames]`) or `.channels`
/// `[F, T]`; time is always the last input axis and may vary between calls. Convolutions and pooling
/// work on `.planes`/`.channels`; `toSequence` turns `[C, F, T]` into `[T, C·F]` (feature index
/// `c·F + f`, like PyTorch's `x.permute(0, 3, 1, 2).reshape(1, T, C·F)`) for recurrent layers;
/// statistics pooling and `flatten` produce `.vector`.
///
/// Parameter tensors use PyTorch's layouts: conv weights `[out, in, kh, kw]` (1-D: `[out, in, k]`),
/// dense weights `[out, in]`, recurrent `weight_ih_l0` `[gates·H, in]` and `weight_hh_l0` `[gates·H, H]`.
public struct Tensor: Sendable, Equatable {
    /// Extent of each axis, outermost first.
    public let shape: [Int]
    /// Row-major values, `shape` product of them.
    public var values: [Float]

    /// A tensor over existing values; `values.count` must equal the product of `shape`.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(values.count == Tensor.elementCount(shape), "Tensor: \(values.count) values for shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// A tensor of `shape`, every element `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, values: [Float](repeating: value, count: Tensor.elementCount(shape)))
    }

    /// Number of elements, the product of `shape` (1 for a scalar, shape `[]`).
    public var count: Int { values.count }

    /// Product of the extents; traps on overflow (use it on shapes already validated).
    public static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }
}
