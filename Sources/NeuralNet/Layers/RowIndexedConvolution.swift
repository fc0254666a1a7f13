import LinearAlgebra

/// A 1-D or 2-D convolution with stride 1 (any padding and dilation) through `gemm`'s row-indexed form
/// (`RowIndexedGEMM`): no im2col copy and no per-call packing. Chosen by `ConvolutionKernel` on CPUs
/// with AVX-512; elsewhere the layer runs as im2col + `cblas_sgemm`. 1-D layers are the `H = 1`,
/// `kh = 1` case.
///
/// The output is produced band by band (`bandRows` output rows: one, or the fused pooling's height)
/// and, along the width, in chunks of `chunkColumns` columns. For each band and chunk the input it
/// reads — every channel, `inputRows` rows from `band − padding.h`, columns `t0 − padding.w ..<
/// t0 − padding.w + rowStride`, zeros outside the input — is copied once into scratch
/// (`[C, inputRows, rowStride]`, sized to stay in L2). Row `(c, i, j)` of the im2col matrix for output
/// row `r` of the band is then that copy at `r·rowStride + rowOffsets[(c·kh + i)·kw + j]`, with
/// `rowOffsets[…] = (c·inputRows + i·dh)·rowStride + j·dw`. Each 48-column tile is multiplied by every
/// 8-row block of the packed weights into `[8, 48]` tiles in L1 (one per band row), which the epilogue
/// (bias, activation, fused pooling) writes to the output.
struct RowIndexedConvolution: Sendable {
    let inChannels: Int
    let outChannels: Int
    let kernel: (height: Int, width: Int)
    let dilation: (height: Int, width: Int)
    let padding: (height: Int, width: Int)
    /// `K = C · kh · kw`.
    let patchSize: Int
    /// `RowIndexedGEMM.pack` of the `[O, K]` weights.
    let packedWeights: [Float]
    /// `[K]`: where row `(c, i, j)` of the im2col matrix starts in the chunk copy, for the band's first row.
    let rowOffsets: [Int]
    /// Output rows per band: the fused pooling's height, else 1.
    let bandRows: Int
    /// Input rows a band reads: `bandRows + dh·(kh − 1)`.
    let inputRows: Int
    /// Output columns per chunk (a multiple of 48), and the chunk copy's row length.
    let chunkColumns: Int
    let rowStride: Int

    /// Float budget of the chunk copy: 128 KiB, a tenth of L2, so it stays there while every weight block passes.
    static let chunkFloats = 32_768

    /// Whether this path can run the layer: AVX-512 present, stride 1, and a fused pooling (if any)
    /// whose width divides the 48-column tile.
    static func applies(stride: (height: Int, width: Int), pool: ConvolutionKernel.FusedPooling?) -> Bool {
        RowIndexedGEMM.isAvailable && stride == (1, 1)
            && (pool.map { RowIndexedGEMM.maximumColumns % $0.width == 0 } ?? true)
    }

    /// - Parameter weights: `[O, C·kh·kw]` row-major (PyTorch's `[O, C, kh, kw]` or `[O, C, kw]`,
    ///   BatchNorm folded in).
    init(weights: [Float], outChannels: Int, kernel: (height: Int, width: Int), dilation: (height: Int, width: Int),
         padding: (height: Int, width: Int), pool: ConvolutionKernel.FusedPooling?) {
        self.outChannels = outChannels
        self.kernel = kernel
        self.dilation = dilation
        self.padding = padding
        let k = weights.count / outChannels
        patchSize = k
        inChannels = k / (kernel.height * kernel.width)
        packedWeights = weights.withUnsafeBufferPointer { RowIndexedGEMM.pack($0.baseAddress!, m: outChannels, k: k) }
        bandRows = pool?.height ?? 1
        inputRows = bandRows + dilation.height * (kernel.height - 1)
        let tile = RowIndexedGEMM.maximumColumns
        chunkColumns = max(tile, Self.chunkFloats / max(inChannels * inputRows, 1) / tile * tile)
        // The last tile of a chunk starts at chunkColumns − 48 and reads 48 + (kw − 1)·dw columns.
        rowStride = chunkColumns + (kernel.width - 1) * dilation.width
        var offsets: [Int] = []
        offsets.reserveCapacity(k)
        for c in 0..<inChannels {
            for i in 0..<kernel.height {
                for j in 0..<kernel.width { offsets.append((c * inputRows + i * dilation.height) * rowStride + j * dilation.width) }
            }
        }
        rowOffsets = offsets
    }

    /// Scratch floats: the chunk copy and one `[8, 48]` tile per band row.
    var scratchCount: Int {
        inChannels * inputRows * rowStride + bandRows * RowIndexedGEMM.blockRows * RowIndexedGEMM.maximumColumns
    }

    /// - Parameters:
    ///   - input: `[C, height, width]` (`height` = 1 for 1-D).
    ///   - output: `[O, outputHeight / ph, outputWidth / pw]` with a fused `ph × pw` pooling (rows and
    ///     columns that fill no window are dropped, as by the pooling layer), else `[O, outputHeight, outputWidth]`.
    func forward(_ input: UnsafePointer<Float>, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
                 output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
                 activation: Activation?, pool: ConvolutionKernel.FusedPooling?) {
        let ph = bandRows, pw = pool?.width ?? 1
        let usedRows = outputHeight / ph * ph, usedColumns = outputWidth / pw * pw
        let pooledHeight = outputHeight / ph, pooledWidth = outputWidth / pw
        let isMax = pool?.kind == .max
        let divisor = 1 / Float(ph * pw)
        let epilogueAfterPooling = pool == nil || (isMax && (activation?.isNonDecreasing ?? true))
        let chunk = scratch
        let tiles = scratch + inChannels * inputRows * rowStride
        let blockRows = RowIndexedGEMM.blockRows, tileSize = blockRows * RowIndexedGEMM.maximumColumns
        let blocks = (outChannels + blockRows - 1) / blockRows
        packedWeights.withUnsafeBufferPointer { packed in rowOffsets.withUnsafeBufferPointer { offsets in
            var band = 0
            while band < usedRows {
                var t0 = 0
                while t0 < usedColumns {
                    let columns = min(chunkColumns, usedColumns - t0)
                    copyChunk(input, height: height, width: width, firstRow: band - padding.height, firstColumn: t0 - padding.width, into: chunk)
                    var start = 0
                    while start < columns {
                        let count = min(RowIndexedGEMM.maximumColumns, columns - start)
                        let stride = RowIndexedGEMM.tileColumns(for: count)
                        let pooledCount = count / pw
                        for block in 0..<blocks {
                            let firstChannel = block * blockRows
                            if pool == nil && count == RowIndexedGEMM.maximumColumns && firstChannel + blockRows <= outChannels {
                                // A whole tile without pooling: straight into the output, then bias + activation there.
                                let planeSize = outputHeight * outputWidth
                                let target = output + firstChannel * planeSize + band * outputWidth + t0 + start
                                gemm(block: packed.baseAddress! + block * patchSize * blockRows, k: patchSize,
                                     b: chunk + start, rowOffsets: offsets.baseAddress!, columns: count, tile: target, ldc: planeSize)
                                for row in 0..<blockRows {
                                    apply(activation, target + row * planeSize, count: count, bias: bias?[firstChannel + row] ?? 0)
                                }
                                continue
                            }
                            for r in 0..<ph {
                                gemm(block: packed.baseAddress! + block * patchSize * blockRows, k: patchSize,
                                     b: chunk + r * rowStride + start, rowOffsets: offsets.baseAddress!, columns: count,
                                     tile: tiles + r * tileSize)
                            }
                            // Epilogue: the block's rows of the band's tiles into the output.
                            for row in 0..<min(blockRows, outChannels - block * blockRows) {
                                let o = block * blockRows + row
                                let source = tiles + row * stride  // band row 0; row r is r·tileSize further
                                let b = bias?[o] ?? 0
                                if !epilogueAfterPooling {
                                    for r in 0..<ph { apply(activation, source + r * tileSize, count: count, bias: b) }
                                }
                                let target = output + (o * pooledHeight + band / ph) * pooledWidth + (t0 + start) / pw
                                guard let pool else {
                                    target.update(from: source, count: count)
                                    if epilogueAfterPooling { apply(activation, target, count: count, bias: b) }
                                    continue
                                }
                                for r in 1..<max(ph, 1) { pool.foldRow(source, source + r * tileSize, count: stride) }  // into band row 0
                                if pw == 2 && isMax && epilogueAfterPooling && (activation == nil || activation == .relu) {
                                    // The common case (max pooling by 2, then bias and ReLU) in one pass.
                                    maxPairsBiasReLU(source, into: target, count: pooledCount, bias: b, relu: activation != nil)
                                    continue
                                }
                                pool.reduceColumns(source, into: target, count: pooledCount)
                                if !isMax { for x in 0..<pooledCount { target[x] *= divisor } }
                                if epilogueAfterPooling { apply(activation, target, count: pooledCount, bias: b) }
                            }
                        }
                        start += count
                    }
                    t0 += columns
                }
                band += ph
            }
        } }
    }

    /// The chunk copy `[C, inputRows, rowStride]`: input rows `firstRow + i`, columns `firstColumn + q`,
    /// zero outside `[0, height) × [0, width)`.
    private func copyChunk(_ input: UnsafePointer<Float>, height: Int, width: Int, firstRow: Int, firstColumn: Int,
                           into chunk: UnsafeMutablePointer<Float>) {
        let lower = max(0, -firstColumn), upper = max(lower, min(rowStride, width - firstColumn))
        for c in 0..<inChannels {
            for i in 0..<inputRows {
                let row = chunk + (c * inputRows + i) * rowStride
                let ih = firstRow + i
                guard ih >= 0 && ih < height, upper > lower else {
                    row.update(repeating: 0, count: rowStride)
                    continue
                }
                if lower > 0 { row.update(repeating: 0, count: lower) }
                row.advanced(by: lower).update(from: input + (c * height + ih) * width + firstColumn + lower, count: upper - lower)
                if upper < rowStride { row.advanced(by: upper).update(repeating: 0, count: rowStride - upper) }
            }
        }
    }

    /// `target[x] = max(source[2x], source[2x+1]) + bias`, then ReLU if asked, for `x < count`: max
    /// pooling by 2 with the epilogue after it, in one branch-free pass.
    @inline(__always)
    private func maxPairsBiasReLU(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int,
                                  bias: Float, relu: Bool) {
        let floor: Float = relu ? 0 : -.infinity
        for x in 0..<count {
            let a = source[2 * x], b = source[2 * x + 1]
            let value = (a > b ? a : b) + bias
            target[x] = value > floor ? value : floor
        }
    }

    @inline(__always)
    private func apply(_ activation: Activation?, _ values: UnsafeMutablePointer<Float>, count: Int, bias: Float) {
        if let activation {
            activation.apply(values, count: count, bias: bias)
        } else if bias != 0 {
            for i in 0..<count { values[i] += bias }
        }
    }
}
