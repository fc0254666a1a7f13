/// `flatten`: any layout to a `.vector` of the same row-major values (no data movement).
struct FlattenKernel: LayerKernel {
    var isInPlace: Bool { true }
    func outputShape(_ input: ActivationShape) -> ActivationShape { .vector(features: input.count) }
    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {}
}

/// `to_sequence`: `[C, F, T]` (viewed as `[C·F, T]`) or `[C, T]` to `[T, C·F]` / `[T, C]`, a transpose
/// done in 32×32 blocks so both sides stay in cache.
struct ToSequenceKernel: LayerKernel {
    func outputShape(_ input: ActivationShape) -> ActivationShape {
        .sequence(time: input.time!, features: input.timeFeatures!)
    }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        transpose(input, rows: shape.timeFeatures!, columns: shape.time!, into: output)
    }
}

/// Writes the `[columns, rows]` transpose of the row-major `[rows, columns]` matrix `source`.
package func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Float>) {
    let block = 32
    for r0 in stride(from: 0, to: rows, by: block) {
        for c0 in stride(from: 0, to: columns, by: block) {
            for r in r0..<min(r0 + block, rows) {
                for c in c0..<min(c0 + block, columns) { target[c * rows + r] = source[r * columns + c] }
            }
        }
    }
}
