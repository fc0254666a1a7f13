/// The reference forward of `flatten` over a batch: each example's values, unchanged, as a `.vector`.
package func flattenForward(_ input: BatchTensor) -> BatchTensor {
    BatchTensor(shape: LayerSpec.flatten.outputShape(input.shape), batch: input.batch, values: input.values)
}

/// The reference forward of `to_sequence` over a batch: each example `[C·F, T]` (planes viewed
/// feature-major, or channels) transposed to `[T, C·F]`.
package func toSequenceForward(_ input: BatchTensor) -> BatchTensor {
    let (d, t) = (input.shape.timeFeatures!, input.shape.time!)
    return BatchTensor(shape: LayerSpec.toSequence.outputShape(input.shape), batch: input.batch,
                       values: batchTranspose(input.values, batch: input.batch, rows: d, columns: t))
}

/// Transposes each of `batch` consecutive row-major `[rows, columns]` matrices to `[columns, rows]`
/// (`transpose`, example by example).
package func batchTranspose(_ values: [Float], batch: Int, rows: Int, columns: Int) -> [Float] {
    var result = [Float](repeating: 0, count: values.count)
    let size = rows * columns
    guard size > 0 else { return result }
    values.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { target in
            for b in 0..<batch {
                transpose(source.baseAddress! + b * size, rows: rows, columns: columns, into: target.baseAddress! + b * size)
            }
        }
    }
    return result
}
