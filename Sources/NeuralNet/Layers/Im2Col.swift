/// Writes columns `[firstColumn, firstColumn + columnCount)` of the im2col matrix of `input` into
/// `columns`, a `[C·kh·kw, columnCount]` tile whose rows are `rowStride` floats apart (`columnCount`
/// for a standalone tile; a batch's matrices side by side use `B·OH·OW`).
///
/// Column `j` is output position `(oh, ow) = (j / OW, j % OW)`; row `(c, ki, kj)` holds input sample
/// `(c, oh·sh − ph + ki·dh, ow·sw − pw + kj·dw)` or 0 in the padding. For each row the tile is a run of
/// output-row segments (see `im2colSegment`).
package func im2col(_ input: UnsafePointer<Float>, _ g: ConvolutionGeometry, firstColumn: Int, columnCount: Int,
                    rowStride: Int, into columns: UnsafeMutablePointer<Float>) {
    let outW = g.outputWidth
    var row = 0
    for c in 0..<g.channels {
        for ki in 0..<g.kernelHeight {
            for kj in 0..<g.kernelWidth {
                let destination = columns + row * rowStride
                row += 1
                var filled = 0
                var oh = firstColumn / outW
                var ow = firstColumn % outW
                while filled < columnCount {
                    let segment = min(outW - ow, columnCount - filled)
                    im2colSegment(input, g, channel: c, ki: ki, kj: kj, outputRow: oh, firstOutputColumn: ow,
                                  count: segment, into: destination + filled)
                    filled += segment
                    ow = 0
                    oh += 1
                }
            }
        }
    }
}

/// Writes the im2col tile of the output rectangle rows `[firstRow, firstRow + rowCount)` × columns
/// `[firstColumn, firstColumn + columnCount)` into `columns`, `[C·kh·kw, rowCount·columnCount]`
/// (column index `r·columnCount + q`). Used when a pooling layer is fused into the convolution, so a
/// tile holds whole pooling windows.
func im2col(_ input: UnsafePointer<Float>, _ g: ConvolutionGeometry, firstRow: Int, rowCount: Int,
            firstColumn: Int, columnCount: Int, into columns: UnsafeMutablePointer<Float>) {
    let width = rowCount * columnCount
    var row = 0
    for c in 0..<g.channels {
        for ki in 0..<g.kernelHeight {
            for kj in 0..<g.kernelWidth {
                let destination = columns + row * width
                row += 1
                for r in 0..<rowCount {
                    im2colSegment(input, g, channel: c, ki: ki, kj: kj, outputRow: firstRow + r,
                                  firstOutputColumn: firstColumn, count: columnCount, into: destination + r * columnCount)
                }
            }
        }
    }
}

/// One im2col row `(c, ki, kj)` for output positions `(oh, ow … ow + count − 1)`: the valid range of
/// `ow` is computed once, so the interior is a straight copy (`memcpy` when the stride is 1) between
/// two zero fills, with no per-element branch.
@inline(__always)
func im2colSegment(_ input: UnsafePointer<Float>, _ g: ConvolutionGeometry, channel c: Int, ki: Int, kj: Int,
                   outputRow oh: Int, firstOutputColumn ow: Int, count segment: Int, into out: UnsafeMutablePointer<Float>) {
    let ih = oh * g.strideHeight - g.paddingHeight + ki * g.dilationHeight
    if ih < 0 || ih >= g.height {
        out.update(repeating: 0, count: segment)
        return
    }
    // Input column of output column ow is ow·sw + offset; valid ow satisfy 0 ≤ ow·sw + offset < W.
    let offset = kj * g.dilationWidth - g.paddingWidth
    let (validStart, validEnd) = g.validOutputColumns(kernelColumn: kj)
    let source = input + (c * g.height + ih) * g.width
    let lo = min(max(ow, validStart), ow + segment)
    let hi = max(min(ow + segment, validEnd), lo)
    if lo > ow { out.update(repeating: 0, count: lo - ow) }
    if hi > lo {
        if g.strideWidth == 1 {
            (out + (lo - ow)).update(from: source + (lo + offset), count: hi - lo)
        } else {
            let s = g.strideWidth
            let o = out + (lo - ow)
            let first = source + (lo * s + offset)
            for i in 0..<(hi - lo) { o[i] = first[i * s] }
        }
    }
    if ow + segment > hi { (out + (hi - ow)).update(repeating: 0, count: ow + segment - hi) }
}
