import LinearAlgebra

/// The reference forward of a fully connected layer `y = W x + b` (`W [O, D]`) on a batch of vectors
/// `[B, D]` or of sequences `[B, T, D]`: all `B·T` rows in one `gemm`. `DenseKernel` (BatchNorm and
/// activation fused) is its serving form.
package struct DenseReference: Sendable {
    package let spec: DenseSpec

    package init(spec: DenseSpec) { self.spec = spec }

    /// - Parameters: weight `[O, D]`; bias `[O]` or nil.
    package func forward(_ input: BatchTensor, weight: [Float], bias: [Float]?) -> BatchTensor {
        let d = input.shape.dimensions.last!
        let rows = input.batch * (input.shape.count / max(d, 1))
        let o = spec.outFeatures
        var output = BatchTensor(shape: LayerSpec.dense(spec).outputShape(input.shape), batch: input.batch)
        input.values.withUnsafeBufferPointer { x in weight.withUnsafeBufferPointer { w in
            output.values.withUnsafeMutableBufferPointer { y in withOptionalPointer(bias) { b in
                // [rows, D] · [D, O] (W read transposed) → [rows, O], plus the bias (`DenseKernel`'s epilogue)
                gemm(.none, .transposed, m: rows, n: o, k: d, a: x.baseAddress!, lda: d, b: w.baseAddress!, ldb: d,
                     c: y.baseAddress!, ldc: o)
                biasActivationColumns(y.baseAddress!, rows: rows, columns: o, bias: b, activation: nil)
            } }
        } }
        return output
    }
}
