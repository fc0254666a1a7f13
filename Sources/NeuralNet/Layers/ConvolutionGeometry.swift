/// Output extent of a convolution or pooling window sliding over `size` samples, PyTorch's formula
/// (floor mode): `(size + 2·padding − dilation·(kernel − 1) − 1) / stride + 1`. The one place the
/// formula is written: shape inference, the kernels, the reference forwards and training all use it.
/// Meaningful when the span `size + 2·padding − dilation·(kernel − 1) − 1` is ≥ 0 (shape inference
/// checks that first).
@inline(__always)
package func slidingWindowOutputExtent(size: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
    (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
}

/// Geometry of a 2-D convolution (or pooling) window sliding over a `[C, H, W]` input (1-D layers use
/// `H = 1`, `kh = 1`).
package struct ConvolutionGeometry: Sendable, Hashable {
    package var channels: Int, height: Int, width: Int
    package var kernelHeight: Int, kernelWidth: Int
    package var strideHeight: Int, strideWidth: Int
    package var paddingHeight: Int, paddingWidth: Int
    package var dilationHeight: Int, dilationWidth: Int

    package init(channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
                 strideHeight: Int, strideWidth: Int, paddingHeight: Int, paddingWidth: Int,
                 dilationHeight: Int = 1, dilationWidth: Int = 1) {
        (self.channels, self.height, self.width) = (channels, height, width)
        (self.kernelHeight, self.kernelWidth) = (kernelHeight, kernelWidth)
        (self.strideHeight, self.strideWidth) = (strideHeight, strideWidth)
        (self.paddingHeight, self.paddingWidth) = (paddingHeight, paddingWidth)
        (self.dilationHeight, self.dilationWidth) = (dilationHeight, dilationWidth)
    }

    /// The window of a layer's extent lists (`[kh, kw]`, or `[k]` for a 1-D layer, which slides along
    /// time only) over `input` seen as `[C, H, W]` (`.channels [C, T]` as `[C, 1, T]`).
    package init(input: ActivationShape, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]? = nil) {
        let (c, h, w) = input.planeExtents
        let oneDimensional = kernel.count == 1
        let dilation = dilation ?? Array(repeating: 1, count: kernel.count)
        self.init(channels: c, height: h, width: w,
                  kernelHeight: oneDimensional ? 1 : kernel[0], kernelWidth: kernel.last!,
                  strideHeight: oneDimensional ? 1 : stride[0], strideWidth: stride.last!,
                  paddingHeight: oneDimensional ? 0 : padding[0], paddingWidth: padding.last!,
                  dilationHeight: oneDimensional ? 1 : dilation[0], dilationWidth: dilation.last!)
    }

    package var outputHeight: Int {
        slidingWindowOutputExtent(size: height, kernel: kernelHeight, stride: strideHeight, padding: paddingHeight,
                                  dilation: dilationHeight)
    }
    package var outputWidth: Int {
        slidingWindowOutputExtent(size: width, kernel: kernelWidth, stride: strideWidth, padding: paddingWidth,
                                  dilation: dilationWidth)
    }
    /// Output positions per channel, `OH·OW`.
    package var outputCount: Int { outputHeight * outputWidth }
    /// Rows of the im2col matrix, `C·kh·kw` (the gemm's `K`).
    package var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Whether the convolution is a plain matrix product of the input (1×1, stride 1, no padding).
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && paddingHeight == 0 && paddingWidth == 0
    }

    /// The output columns `ow` whose tap `kj` reads inside the input, `0 ≤ ow·sw + kj·dw − pw < W`,
    /// as `start ..< end` (not clamped to `[0, OW]`; `end` may be below `start`).
    @inline(__always)
    package func validOutputColumns(kernelColumn kj: Int) -> (start: Int, end: Int) {
        let offset = kj * dilationWidth - paddingWidth
        return (ceilDivide(-offset, strideWidth), floorDivide(width - 1 - offset, strideWidth) + 1)
    }
}

extension ActivationShape {
    /// `[C, H, W]` extents of a layout convolutions and pooling accept (`.channels [C, T]` is
    /// `[C, 1, T]`).
    package var planeExtents: (channels: Int, height: Int, width: Int) {
        switch self {
        case let .planes(c, h, w): (c, h, w)
        case let .channels(c, t): (c, 1, t)
        default: preconditionFailure("convolution and pooling need planes or channels, got \(self)")
        }
    }
}

/// `⌈a / b⌉` for `b > 0` and any sign of `a`.
@inline(__always) func ceilDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }
/// `⌊a / b⌋` for `b > 0` and any sign of `a`.
@inline(__always) func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
