/// One executable step of a loaded `Network`: a layer (or a fused run such as conv + BatchNorm + ReLU)
/// with its weights in `let` arrays, safe to share between threads. All per-call memory comes from the
/// caller's `Workspace`.
protocol LayerKernel: Sendable {
    /// The output shape for `input` (already validated by `NetworkSpec` shape inference).
    func outputShape(_ input: ActivationShape) -> ActivationShape
    /// Scratch floats `forward` needs for `input`.
    func scratchCount(_ input: ActivationShape, tiling: ConvolutionTiling) -> Int
    /// Whether `forward` works in place (`output == input`), as element-wise layers and reshapes do.
    var isInPlace: Bool { get }
    /// Computes the output of `input` (`shape`) into `output` (`outputShape(shape).count` floats).
    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling)
}

extension LayerKernel {
    func scratchCount(_ input: ActivationShape, tiling: ConvolutionTiling) -> Int { 0 }
    var isInPlace: Bool { false }
}

/// How convolutions split their im2col matrix into column tiles.
///
/// A full im2col matrix of a 60 s input is over 100 MB; building and multiplying it tile by tile keeps
/// each tile cache-resident between the copy and the `gemm` that consumes it.
public struct ConvolutionTiling: Sendable, Hashable {
    /// Target size of one im2col tile in bytes (`K × columns × 4`).
    public var tileBytes: Int
    /// Fewest columns per tile, so `gemm` calls never get too thin whatever `K` is.
    public var minimumColumns: Int

    public init(tileBytes: Int = 1 << 20, minimumColumns: Int = 256) {
        precondition(tileBytes > 0 && minimumColumns > 0, "ConvolutionTiling: sizes must be positive")
        self.tileBytes = tileBytes
        self.minimumColumns = minimumColumns
    }

    /// Columns per tile for an im2col matrix of `rows` × `columns` (a multiple of 16 unless it is all).
    func tileColumns(rows: Int, columns: Int) -> Int {
        let byBudget = max(minimumColumns, tileBytes / (4 * max(rows, 1))) / 16 * 16
        return min(columns, max(16, byBudget))
    }
}

/// Runs `body` with a pointer to `array`'s storage, or nil when there is no array.
@inline(__always)
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
