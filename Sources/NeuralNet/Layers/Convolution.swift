import LinearAlgebra

/// A 1-D or 2-D convolution (groups = 1) as im2col + `gemm`, with any following BatchNorm folded into
/// its weights, an optional activation fused into the bias epilogue, and an optional non-overlapping
/// pooling fused after that.
///
/// With fused pooling the kernel works on rectangular tiles of whole pooling windows: im2col tile →
/// gemm into a cache-resident output tile → bias + activation → pooled straight into the output. The
/// full-resolution conv output (50 MB for the first layer of a 60 s input) never goes to memory.
///
/// 1-D convolutions run as 2-D ones over `[C, 1, T]` with a `1 × k` kernel: PyTorch's `[O, C, k]` weight
/// has the same memory as `[O, C, 1, k]`. On CPUs with AVX-512, a convolution with stride 1 skips
/// im2col and goes through `gemm`'s row-indexed form instead (`RowIndexedConvolution`).
struct ConvolutionKernel: LayerKernel {
    let oneDimensional: Bool
    let outChannels: Int
    let kernel: (height: Int, width: Int)
    let stride: (height: Int, width: Int)
    let padding: (height: Int, width: Int)
    let dilation: (height: Int, width: Int)
    /// `[O, C·kh·kw]` row-major (PyTorch's `[O, C, kh, kw]`, BatchNorm folded in).
    let weights: [Float]
    /// `[O]`, nil when the layer has no bias and no folded BatchNorm.
    let bias: [Float]?
    let activation: Activation?
    /// Pooling applied after the activation, or nil.
    let pool: FusedPooling?
    /// The im2col-free path, where it applies (see `RowIndexedConvolution.applies`).
    let rowIndexed: RowIndexedConvolution?

    /// A pooling layer with stride = kernel and no padding, fused into the preceding convolution.
    struct FusedPooling: Sendable {
        let kind: PoolingKernel.Kind
        let height: Int
        let width: Int

        /// `row[q] = max(row[q], other[q])` (sum for average pooling), `q < count`: one more row of
        /// the window folded into its first. The maximum is written `x > y ? x : y`, which compiles to
        /// vector max instructions (`Swift.max`'s NaN rule does not).
        @inline(__always)
        func foldRow(_ row: UnsafeMutablePointer<Float>, _ other: UnsafePointer<Float>, count: Int) {
            if kind == .max {
                for q in 0..<count { let x = row[q], y = other[q]; row[q] = x > y ? x : y }
            } else {
                for q in 0..<count { row[q] += other[q] }
            }
        }

        /// `target[x]` = max (or sum) of `source[x·width ..< (x + 1)·width]`, `x < count`: the window
        /// columns of a folded row (average pooling divides afterwards).
        @inline(__always)
        func reduceColumns(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
            let isMax = kind == .max
            if width == 1 {
                target.update(from: source, count: count)
            } else if width == 2 {
                if isMax {
                    for x in 0..<count { let a = source[2 * x], b = source[2 * x + 1]; target[x] = a > b ? a : b }
                } else {
                    for x in 0..<count { target[x] = source[2 * x] + source[2 * x + 1] }
                }
            } else {
                for x in 0..<count {
                    var value = source[x * width]
                    for q in 1..<width {
                        let next = source[x * width + q]
                        value = isMax ? (value > next ? value : next) : value + next
                    }
                    target[x] = value
                }
            }
        }
    }

    /// - Parameter allowRowIndexed: false keeps the layer on im2col + `cblas_sgemm` (tests compare the two).
    init(spec: ConvolutionSpec, oneDimensional: Bool, weights: [Float], bias: [Float]?, activation: Activation?,
         pool: FusedPooling? = nil, allowRowIndexed: Bool = true) {
        self.pool = pool
        self.oneDimensional = oneDimensional
        outChannels = spec.outChannels
        let last = spec.kernelSize.count - 1
        kernel = (oneDimensional ? 1 : spec.kernelSize[0], spec.kernelSize[last])
        stride = (oneDimensional ? 1 : spec.stride[0], spec.stride[last])
        padding = (oneDimensional ? 0 : spec.padding[0], spec.padding[last])
        dilation = (oneDimensional ? 1 : spec.dilation[0], spec.dilation[last])
        self.weights = weights
        self.bias = bias
        self.activation = activation
        rowIndexed = allowRowIndexed && RowIndexedConvolution.applies(stride: stride, pool: pool)
            ? RowIndexedConvolution(weights: weights, outChannels: outChannels, kernel: kernel, dilation: dilation,
                                    padding: padding, pool: pool)
            : nil
    }

    func geometry(_ input: ActivationShape) -> ConvolutionGeometry {
        let (c, h, w) = input.planeExtents
        return ConvolutionGeometry(
            channels: c, height: h, width: w, kernelHeight: kernel.height, kernelWidth: kernel.width,
            strideHeight: stride.height, strideWidth: stride.width, paddingHeight: padding.height,
            paddingWidth: padding.width, dilationHeight: dilation.height, dilationWidth: dilation.width)
    }

    func outputShape(_ input: ActivationShape) -> ActivationShape {
        let g = geometry(input)
        let (h, w) = (g.outputHeight / (pool?.height ?? 1), g.outputWidth / (pool?.width ?? 1))
        return oneDimensional ? .channels(channels: outChannels, time: w) : .planes(channels: outChannels, height: h, width: w)
    }

    /// Conv-output rows and columns per tile when pooling is fused: whole pooling windows, several full
    /// rows when a full row fits the tile budget, else one window row split along time.
    private func pooledTile(_ g: ConvolutionGeometry, _ pool: FusedPooling, tiling: ConvolutionTiling) -> (rows: Int, columns: Int) {
        let usedHeight = g.outputHeight / pool.height * pool.height
        let usedWidth = g.outputWidth / pool.width * pool.width
        let budget = max(tiling.minimumColumns, tiling.tileBytes / (4 * g.patchSize))
        if pool.height * usedWidth <= budget {
            return (min(usedHeight, max(1, budget / (pool.height * usedWidth)) * pool.height), usedWidth)
        }
        return (pool.height, min(usedWidth, max(pool.width, budget / pool.height / pool.width * pool.width)))
    }

    func scratchCount(_ input: ActivationShape, tiling: ConvolutionTiling) -> Int {
        let g = geometry(input)
        if let rowIndexed { return rowIndexed.scratchCount }
        if let pool {
            let tile = pooledTile(g, pool, tiling: tiling)
            return (g.patchSize + outChannels) * tile.rows * tile.columns
        }
        if g.isPointwise { return 0 }
        let n = g.outputHeight * g.outputWidth
        return g.patchSize * tiling.tileColumns(rows: g.patchSize, columns: n)
    }

    /// FLOPs of one forward pass (2 per multiply-add of the gemm), for benchmarks.
    func flops(_ input: ActivationShape) -> Int {
        let g = geometry(input)
        return 2 * outChannels * g.patchSize * g.outputHeight * g.outputWidth
    }

    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        let g = geometry(shape)
        let k = g.patchSize
        let n = g.outputHeight * g.outputWidth
        weights.withUnsafeBufferPointer { w in withOptionalPointer(bias) { biasPointer in
            if let rowIndexed {
                rowIndexed.forward(input, height: g.height, width: g.width, outputHeight: g.outputHeight,
                                   outputWidth: g.outputWidth, output: output, scratch: scratch, bias: biasPointer,
                                   activation: activation, pool: pool)
                return
            }
            if let pool {
                forwardPooled(input, g, pool, weights: w.baseAddress!, bias: biasPointer, output: output,
                              scratch: scratch, tiling: tiling)
                return
            }
            if g.isPointwise {
                // [O, C] · [C, H·W] → [O, H·W]
                gemm(.none, .none, m: outChannels, n: n, k: k, a: w.baseAddress!, lda: k,
                     b: input, ldb: n, c: output, ldc: n)
                biasActivationRows(output, rows: outChannels, columns: n, stride: n, bias: biasPointer, activation: activation)
                return
            }
            let tile = tiling.tileColumns(rows: k, columns: n)
            var first = 0
            while first < n {
                let count = min(tile, n - first)
                // [C·kh·kw, count]
                im2col(input, g, firstColumn: first, columnCount: count, rowStride: count, into: scratch)
                // [O, C·kh·kw] · [C·kh·kw, count] → columns [first, first+count) of [O, OH·OW]
                gemm(.none, .none, m: outChannels, n: count, k: k, a: w.baseAddress!, lda: k,
                     b: scratch, ldb: count, c: output + first, ldc: n)
                biasActivationRows(output + first, rows: outChannels, columns: count, stride: n,
                                   bias: biasPointer, activation: activation)
                first += count
            }
        } }
    }

    private func forwardPooled(_ input: UnsafePointer<Float>, _ g: ConvolutionGeometry, _ pool: FusedPooling,
                               weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                               tiling: ConvolutionTiling) {
        let k = g.patchSize
        let (ph, pw) = (pool.height, pool.width)
        let (pooledHeight, pooledWidth) = (g.outputHeight / ph, g.outputWidth / pw)
        let tile = pooledTile(g, pool, tiling: tiling)
        let columns = scratch  // im2col tile
        let results = scratch + k * tile.rows * tile.columns  // conv output tile
        let isMax = pool.kind == .max
        let divisor = 1 / Float(ph * pw)
        // max(act(x + b)) = act(max(x) + b) for a per-channel b and a non-decreasing activation, so
        // max pooling can run first and the epilogue touch ph·pw times fewer values.
        let epilogueAfterPooling = isMax && (activation?.isNonDecreasing ?? true)
        var firstRow = 0
        while firstRow < pooledHeight * ph {
            let rows = min(tile.rows, pooledHeight * ph - firstRow)
            var firstColumn = 0
            while firstColumn < pooledWidth * pw {
                let width = min(tile.columns, pooledWidth * pw - firstColumn)
                let n = rows * width
                im2col(input, g, firstRow: firstRow, rowCount: rows, firstColumn: firstColumn, columnCount: width,
                       into: columns)  // [C·kh·kw, rows·width]
                // [O, C·kh·kw] · [C·kh·kw, rows·width] → [O, rows·width]
                gemm(.none, .none, m: outChannels, n: n, k: k, a: weights, lda: k, b: columns, ldb: n, c: results, ldc: n)
                if !epilogueAfterPooling {
                    biasActivationRows(results, rows: outChannels, columns: n, stride: n, bias: bias, activation: activation)
                }
                // Pool [O, rows, width] → output [O, rows/ph, width/pw] at (firstRow/ph, firstColumn/pw).
                for o in 0..<outChannels {
                    for windowRow in 0..<(rows / ph) {
                        let top = results + o * n + windowRow * ph * width  // reduced in place over the window rows
                        for a in 1..<max(ph, 1) { pool.foldRow(top, top + a * width, count: width) }
                        let target = output + (o * pooledHeight + firstRow / ph + windowRow) * pooledWidth + firstColumn / pw
                        let count = width / pw
                        pool.reduceColumns(top, into: target, count: count)
                        if !isMax { for x in 0..<count { target[x] *= divisor } }
                    }
                }
                if epilogueAfterPooling {
                    for o in 0..<outChannels {
                        for windowRow in 0..<(rows / ph) {
                            let target = output + (o * pooledHeight + firstRow / ph + windowRow) * pooledWidth + firstColumn / pw
                            let b = bias?[o] ?? 0
                            if let activation { activation.apply(target, count: width / pw, bias: b) } else {
                                for x in 0..<(width / pw) { target[x] += b }
                            }
                        }
                    }
                }
                firstColumn += width
            }
            firstRow += rows
        }
    }
}
