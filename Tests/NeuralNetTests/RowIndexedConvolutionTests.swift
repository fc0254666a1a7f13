import LinearAlgebra
import Testing
@testable import NeuralNet
import TestSupport

/// The im2col-free convolution (`gemm`'s row-indexed form, AVX-512) against the im2col +
/// `cblas_sgemm` path on the same layer, 1-D and 2-D: channel and output counts that are and are not
/// multiples of the 8-row block, outputs shorter than, equal to and longer than a 48-column tile and
/// than a chunk, padding, dilation, bias, activations, and fused max and average pooling.
@Suite(.enabled(if: RowIndexedGEMM.isAvailable, "this CPU has no AVX-512: convolutions always run as im2col + cblas_sgemm"))
struct RowIndexedConvolutionTests {
    struct Case: CustomStringConvertible {
        var channels: Int, outChannels: Int, taps: Int, dilation: Int, padding: Int, width: Int
        var bias: Bool, activation: Activation?, pool: ConvolutionKernel.FusedPooling?
        /// 2-D: input height and the kernel's height, dilation and padding along it (nil: 1-D).
        var planes: (height: Int, taps: Int, dilation: Int, padding: Int)? = nil
        var description: String {
            "C\(channels) O\(outChannels) J\(taps) d\(dilation) p\(padding) T\(width) bias \(bias) \(activation.map { "\($0)" } ?? "linear") pool \(pool.map { "\($0.kind) \($0.height)x\($0.width)" } ?? "none") planes \(planes.map { "\($0)" } ?? "none")"
        }
    }

    /// (output, reference) for one case; both kernels see the same weights and input.
    func outputs(_ c: Case) -> ([Float], [Float]) {
        var random = SeededRandom(seed: 23)
        let height = c.planes?.height ?? 1
        let k = c.channels * c.taps * (c.planes?.taps ?? 1)
        let weights = (0..<(c.outChannels * k)).map { _ in Float.random(in: -1...1, using: &random) / Float(k).squareRoot() }
        let bias = c.bias ? (0..<c.outChannels).map { _ in Float.random(in: -0.5...0.5, using: &random) } : nil
        let spec = if let p = c.planes {
            ConvolutionSpec(outChannels: c.outChannels, kernelSize: [p.taps, c.taps], padding: [p.padding, c.padding],
                            dilation: [p.dilation, c.dilation])
        } else {
            ConvolutionSpec(outChannels: c.outChannels, kernelSize: [c.taps], padding: [c.padding], dilation: [c.dilation])
        }
        let oneDimensional = c.planes == nil
        let fast = ConvolutionKernel(spec: spec, oneDimensional: oneDimensional, weights: weights, bias: bias, activation: c.activation, pool: c.pool)
        let slow = ConvolutionKernel(spec: spec, oneDimensional: oneDimensional, weights: weights, bias: bias, activation: c.activation,
                                     pool: c.pool, allowRowIndexed: false)
        #expect(fast.rowIndexed != nil && slow.rowIndexed == nil, "\(c)")
        var input = (0..<(c.channels * height * c.width)).map { _ in Float.random(in: -2...2, using: &random) }
        let shape = oneDimensional ? ActivationShape.channels(channels: c.channels, time: c.width)
            : ActivationShape.planes(channels: c.channels, height: height, width: c.width)
        let outputCount = fast.outputShape(shape).dimensions.reduce(1, *)
        func run(_ kernel: ConvolutionKernel) -> [Float] {
            let tiling = ConvolutionTiling(tileBytes: 4096, minimumColumns: 16)
            var scratch = [Float](repeating: .nan, count: kernel.scratchCount(shape, tiling: tiling))
            var output = [Float](repeating: .nan, count: outputCount)
            input.withUnsafeMutableBufferPointer { x in output.withUnsafeMutableBufferPointer { y in
                scratch.withUnsafeMutableBufferPointer { s in kernel.forward(x.baseAddress!, shape, y.baseAddress!, s.baseAddress!, tiling) }
            } }
            return output
        }
        return (run(fast), run(slow))
    }

    func check(_ c: Case) {
        let (output, reference) = outputs(c)
        #expect(output.count == reference.count && !output.isEmpty, "\(c)")
        #expect(output.allSatisfy { $0.isFinite }, "\(c): every output written")
        #expect(worstScaledError(output, reference) <= 1e-5, "\(c)")
    }

    @Test func shapesAndTails() {
        for (channels, outChannels) in [(1, 1), (3, 5), (8, 8), (67, 96), (13, 17)] {
            for width in [1, 5, 47, 48, 49, 95, 300, 1000] {
                for (taps, dilation, padding) in [(1, 1, 0), (3, 1, 1), (5, 1, 2), (3, 2, 2), (5, 2, 0)] where width + 2 * padding > dilation * (taps - 1) {
                    check(Case(channels: channels, outChannels: outChannels, taps: taps, dilation: dilation, padding: padding,
                               width: width, bias: true, activation: .relu, pool: nil))
                }
            }
        }
    }

    /// Past one chunk (`RowIndexedConvolution.chunkFloats / C` columns) the input is copied chunk by chunk.
    @Test func severalChunks() {
        check(Case(channels: 128, outChannels: 128, taps: 3, dilation: 2, padding: 2, width: 777, bias: true, activation: .relu, pool: nil))
        check(Case(channels: 67, outChannels: 96, taps: 5, dilation: 1, padding: 2, width: 3001, bias: false, activation: nil,
                   pool: .init(kind: .max, height: 1, width: 2)))
    }

    @Test func epiloguesAndPooling() {
        let pools: [ConvolutionKernel.FusedPooling?] = [nil, .init(kind: .max, height: 1, width: 2), .init(kind: .average, height: 1, width: 2),
                                                        .init(kind: .max, height: 1, width: 3), .init(kind: .average, height: 1, width: 4)]
        let activations: [Activation?] = [nil, .relu, .gelu, .leakyReLU(negativeSlope: 0.1), .tanh]
        for pool in pools {
            for activation in activations {
                for width in [7, 48, 301] {
                    for bias in [false, true] {
                        check(Case(channels: 9, outChannels: 12, taps: 3, dilation: 1, padding: 1, width: width, bias: bias,
                                   activation: activation, pool: pool))
                    }
                }
            }
        }
    }

    /// 2-D layers: 3 × 3 and 5 × 3 kernels, padding and dilation along both axes, and 2 × 2 and 3 × 2 pooling
    /// (bands of several output rows), as in the benchmark's spectrogram CNN.
    @Test func planes() {
        let pools: [ConvolutionKernel.FusedPooling?] = [nil, .init(kind: .max, height: 2, width: 2), .init(kind: .average, height: 2, width: 2),
                                                        .init(kind: .max, height: 3, width: 2)]
        for pool in pools {
            for (height, kernelHeight, dilation, padding) in [(1, 1, 1, 0), (8, 3, 1, 1), (9, 5, 1, 2), (16, 3, 2, 2), (6, 3, 1, 0)]
            where (height + 2 * padding - dilation * (kernelHeight - 1)) / (pool?.height ?? 1) > 0 {
                for (channels, outChannels, width) in [(1, 8, 50), (5, 12, 47), (32, 64, 301)] {
                    check(Case(channels: channels, outChannels: outChannels, taps: 3, dilation: 1, padding: 1, width: width, bias: true,
                               activation: .relu, pool: pool, planes: (height, kernelHeight, dilation, padding)))
                }
            }
        }
        check(Case(channels: 1, outChannels: 32, taps: 3, dilation: 1, padding: 1, width: 1000, bias: false, activation: .relu,
                   pool: .init(kind: .max, height: 2, width: 2), planes: (64, 3, 1, 1)))
    }

    /// A pooling window that does not divide the 48-column tile, and strided convolutions, keep im2col.
    @Test func unsupportedLayersKeepIm2col() {
        let spec = ConvolutionSpec(outChannels: 4, kernelSize: [3])
        #expect(ConvolutionKernel(spec: spec, oneDimensional: true, weights: [Float](repeating: 0.1, count: 24), bias: nil,
                                  activation: nil, pool: .init(kind: .max, height: 1, width: 5)).rowIndexed == nil)
        let strided = ConvolutionSpec(outChannels: 4, kernelSize: [3], stride: [2])
        #expect(ConvolutionKernel(spec: strided, oneDimensional: true, weights: [Float](repeating: 0.1, count: 24), bias: nil,
                                  activation: nil).rowIndexed == nil)
    }
}
