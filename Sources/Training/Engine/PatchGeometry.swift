/// Geometry of a 2-D window (convolution or pooling) sliding over one `[C, H, W]` example; 1-D layers
/// use `H = 1` and a `1 × k` window. Output extents follow PyTorch (floor mode).
struct PatchGeometry: Sendable, Hashable {
    var channels: Int, height: Int, width: Int
    var kernelHeight: Int, kernelWidth: Int
    var strideHeight: Int, strideWidth: Int
    var paddingHeight: Int, paddingWidth: Int
    var dilationHeight: Int = 1, dilationWidth: Int = 1

    var outputHeight: Int { (height + 2 * paddingHeight - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1 }
    var outputWidth: Int { (width + 2 * paddingWidth - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1 }
    /// Output positions per channel, `OH·OW`.
    var outputCount: Int { outputHeight * outputWidth }
    /// Rows of the im2col matrix, `C·kh·kw`.
    var patchSize: Int { channels * kernelHeight * kernelWidth }

    /// Writes one example's im2col matrix `[C·kh·kw, OH·OW]` into `columns` with row stride `ld`
    /// (so a batch's matrices sit side by side as `[C·kh·kw, B·OH·OW]`). Row `(c, ki, kj)`, column
    /// `(oh, ow)` holds input `(c, oh·sh − ph + ki·dh, ow·sw − pw + kj·dw)`, 0 in the padding.
    func im2col(_ input: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>, ld: Int) {
        let (oh, ow) = (outputHeight, outputWidth)
        var row = 0
        for c in 0..<channels {
            for ki in 0..<kernelHeight {
                for kj in 0..<kernelWidth {
                    let destination = columns + row * ld
                    row += 1
                    let offset = kj * dilationWidth - paddingWidth
                    let (lo, hi) = validRange(offset: offset)
                    for y in 0..<oh {
                        let out = destination + y * ow
                        let ih = y * strideHeight - paddingHeight + ki * dilationHeight
                        guard ih >= 0 && ih < height else {
                            out.update(repeating: 0, count: ow)
                            continue
                        }
                        let source = input + (c * height + ih) * width
                        if lo > 0 { out.update(repeating: 0, count: lo) }
                        for x in lo..<hi { out[x] = source[x * strideWidth + offset] }
                        if hi < ow { (out + hi).update(repeating: 0, count: ow - hi) }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds every column entry back onto the input position it was copied from
    /// (`gradient` must be zeroed by the caller).
    func col2im(_ columns: UnsafePointer<Float>, ld: Int, into gradient: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (outputHeight, outputWidth)
        var row = 0
        for c in 0..<channels {
            for ki in 0..<kernelHeight {
                for kj in 0..<kernelWidth {
                    let source = columns + row * ld
                    row += 1
                    let offset = kj * dilationWidth - paddingWidth
                    let (lo, hi) = validRange(offset: offset)
                    for y in 0..<oh {
                        let ih = y * strideHeight - paddingHeight + ki * dilationHeight
                        guard ih >= 0 && ih < height else { continue }
                        let target = gradient + (c * height + ih) * width
                        let values = source + y * ow
                        for x in lo..<hi { target[x * strideWidth + offset] += values[x] }
                    }
                }
            }
        }
    }

    /// Output columns `x` with `0 ≤ x·sw + offset < W`, clamped to `[0, OW]`.
    private func validRange(offset: Int) -> (Int, Int) {
        let ow = outputWidth
        let lo = offset >= 0 ? 0 : (-offset + strideWidth - 1) / strideWidth
        let last = width - 1 - offset
        let hi = last < 0 ? 0 : last / strideWidth + 1
        return (min(lo, ow), max(min(hi, ow), min(lo, ow)))
    }
}
