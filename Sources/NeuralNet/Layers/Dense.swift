import LinearAlgebra

/// A fully connected layer `y = W x + b` on a vector, or on every row of a sequence `[T, D]` at once
/// (one gemm), with any following BatchNorm folded in and an optional fused activation.
struct DenseKernel: LayerKernel {
    let inFeatures: Int
    let outFeatures: Int
    /// `[O, D]` row-major (PyTorch's layout, BatchNorm folded in).
    let weights: [Float]
    /// `[O]`, nil when there is neither a bias nor a folded BatchNorm.
    let bias: [Float]?
    let activation: Activation?

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        if case let .sequence(t, _) = input { return .sequence(time: t, features: outFeatures) }
        return .vector(features: outFeatures)
    }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        let rows = shape.time ?? 1
        weights.withUnsafeBufferPointer { w in withOptionalPointer(bias) { b in
            // [rows, D] · [D, O] (W read transposed) → [rows, O]
            gemm(.none, .transposed, m: rows, n: outFeatures, k: inFeatures, a: input, lda: inFeatures,
                 b: w.baseAddress!, ldb: inFeatures, c: output, ldc: outFeatures)
            biasActivationColumns(output, rows: rows, columns: outFeatures, bias: b, activation: activation)
        } }
    }
}
