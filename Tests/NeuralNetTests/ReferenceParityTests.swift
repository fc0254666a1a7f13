import Foundation
import Testing
@testable import NeuralNet
import TestSupport

/// The serving kernels (folded BatchNorm, fused activation and pooling, tiled and row-indexed
/// convolutions, stacked recurrent directions) against the one reference forward per layer, on every
/// parity fixture and on the shipped model (conv1d → BatchNorm → ReLU → max-pool, the fused path).
@Suite struct ReferenceParityTests {
    /// `Network.forward` and the reference runner on one example, scaled error as the fixtures'.
    private func worstError(_ network: Network, _ input: Tensor) throws -> Float {
        let served = try network.forward(input, workspace: Workspace())
        let shape = try network.spec.inputActivationShape(time: input.shape.last!)
        let reference = ReferenceRunner(network: network).forward(BatchTensor(shape: shape, batch: 1, values: input.values))
        #expect(reference.shape.dimensions == served.shape)
        return worstScaledError(served.values, reference.values)
    }

    @Test(arguments: Fixtures.caseNames)
    func servingKernelsMatchTheReference(_ name: String) throws {
        let network = try Network(contentsOfFile: Fixtures.path("\(name).safetensors"))
        let io = try SafeTensors(contentsOfFile: Fixtures.path("\(name).io.safetensors"))
        var checked = 0
        while let input = io.tensors["input_\(checked)"] {
            let error = try worstError(network, input)
            #expect(error <= parityTolerance, "\(name) input \(checked): scaled error \(error)")
            checked += 1
        }
        #expect(checked >= 2)
    }

    /// The shipped model file (`Models/ser-cnn/1`): its fused conv1d + BatchNorm + ReLU + max-pool
    /// layers, attentive pooling and dense head, at the minimum length and at longer inputs.
    @Test func shippedModelMatchesTheReference() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let root = tests.deletingLastPathComponent()
        let network = try Network(contentsOfFile: root.appendingPathComponent("Models/ser-cnn/1/model.safetensors").path)
        guard case .channels(let channels, _) = try network.spec.inputActivationShape(time: 1) else {
            Issue.record("the shipped model takes [C, T] input")
            return
        }
        var random = SeededRandom(seed: 7)
        for time in [network.minimumTime, 41, 400] {
            let values = (0..<(channels * time)).map { _ in Float.random(in: -3...3, using: &random) }
            let error = try worstError(network, Tensor(shape: [channels, time], values: values))
            #expect(error <= parityTolerance, "T = \(time): scaled error \(error)")
        }
    }

    /// A batch through the reference is its examples one by one.
    @Test func batchedReferenceIsPerExample() throws {
        let network = try Network(contentsOfFile: Fixtures.path("crnn.safetensors"))
        let io = try SafeTensors(contentsOfFile: Fixtures.path("crnn.io.safetensors"))
        let input = io.tensors["input_0"]!
        let shape = try network.spec.inputActivationShape(time: input.shape.last!)
        let runner = ReferenceRunner(network: network)
        let negated = input.values.map { -$0 }
        let batch = runner.forward(BatchTensor(shape: shape, batch: 2, values: input.values + negated))
        let first = runner.forward(BatchTensor(shape: shape, batch: 1, values: input.values))
        let second = runner.forward(BatchTensor(shape: shape, batch: 1, values: negated))
        #expect(worstScaledError(batch.example(0), first.values) <= 1e-6)
        #expect(worstScaledError(batch.example(1), second.values) <= 1e-6)
    }

    /// The convolution kernel's fused paths, im2col and (on AVX-512 CPUs) row-indexed, against the
    /// reference convolution → activation → pooling: the shipped model's conv1d blocks (k 5 + ReLU +
    /// max-pool 2; dilation 2 unpooled), 2-D with average pooling, strided.
    @Test(arguments: [
        (ConvolutionSpec(outChannels: 9, kernelSize: [5], padding: [2]), PoolingKind.max, [2]),
        (ConvolutionSpec(outChannels: 6, kernelSize: [3], padding: [2], dilation: [2], bias: false), nil, []),
        (ConvolutionSpec(outChannels: 5, kernelSize: [3, 3], padding: [1, 1]), PoolingKind.average, [2, 2]),
        (ConvolutionSpec(outChannels: 4, kernelSize: [3, 2], stride: [2, 1], padding: [1, 0]), PoolingKind.max, [1, 3]),
    ] as [(ConvolutionSpec, PoolingKind?, [Int])])
    func fusedConvolutionMatchesTheReference(_ spec: ConvolutionSpec, _ kind: PoolingKind?, _ window: [Int]) {
        var random = SeededRandom(seed: 3)
        let oneDimensional = spec.kernelSize.count == 1
        let channels = 3, time = 53
        let shape: ActivationShape = oneDimensional ? .channels(channels: channels, time: time)
            : .planes(channels: channels, height: 7, width: time)
        let k = channels * spec.kernelSize.reduce(1, *)
        let weights = (0..<(spec.outChannels * k)).map { _ in Float.random(in: -1...1, using: &random) }
        let bias = spec.bias ? (0..<spec.outChannels).map { _ in Float.random(in: -1...1, using: &random) } : nil
        let input = (0..<shape.count).map { _ in Float.random(in: -2...2, using: &random) }

        var columns: [Float] = [], argmax: [Int32] = []
        var expected = Activation.relu.forward(ConvolutionReference(spec: spec).forward(
            BatchTensor(shape: shape, batch: 1, values: input), weight: weights, bias: bias, columns: &columns))
        if let kind {
            expected = PoolingReference(kind: kind, spec: PoolingSpec(kernelSize: window)).forward(expected, argmax: &argmax)
        }

        let pool = kind.map {
            ConvolutionKernel.FusedPooling(kind: $0, height: oneDimensional ? 1 : window[0], width: window.last!)
        }
        for allowRowIndexed in [false, true] {
            let kernel = ConvolutionKernel(spec: spec, oneDimensional: oneDimensional, weights: weights, bias: bias,
                                           activation: .relu, pool: pool, allowRowIndexed: allowRowIndexed)
            let tiling = ConvolutionTiling(tileBytes: 4096, minimumColumns: 16)
            var x = input
            var output = [Float](repeating: .nan, count: kernel.outputShape(shape).count)
            var scratch = [Float](repeating: 0, count: max(1, kernel.scratchCount(shape, tiling: tiling)))
            x.withUnsafeMutableBufferPointer { x in output.withUnsafeMutableBufferPointer { y in
                scratch.withUnsafeMutableBufferPointer { s in
                    kernel.forward(x.baseAddress!, shape, y.baseAddress!, s.baseAddress!, tiling)
                }
            } }
            #expect(kernel.outputShape(shape) == expected.shape)
            #expect(worstScaledError(output, expected.values) <= 1e-5, "row-indexed allowed: \(allowRowIndexed)")
        }
    }
}
