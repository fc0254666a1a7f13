import NeuralNet

extension ConvolutionGeometry {
    /// The adjoint of NeuralNet's `im2col`: adds every entry of one example's column matrix
    /// `[C·kh·kw, OH·OW]` (rows `ld` floats apart) back onto the input position `[C, H, W]` it was copied
    /// from. `gradient` must be zeroed by the caller.
    func col2im(_ columns: UnsafePointer<Float>, ld: Int, into gradient: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (outputHeight, outputWidth)
        var row = 0
        for c in 0..<channels {
            for ki in 0..<kernelHeight {
                for kj in 0..<kernelWidth {
                    let source = columns + row * ld
                    row += 1
                    let offset = kj * dilationWidth - paddingWidth
                    let valid = validOutputColumns(kernelColumn: kj)
                    let (lo, hi) = (min(max(valid.start, 0), ow), max(min(valid.end, ow), min(max(valid.start, 0), ow)))
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
}
