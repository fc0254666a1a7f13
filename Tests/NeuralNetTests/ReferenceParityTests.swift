import Foundation
import Testing
@testable import NeuralNet

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
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let network = try Network(contentsOfFile: root.appendingPathComponent("Models/ser-cnn/1/model.safetensors").path)
        guard case .channels(let channels, _) = try network.spec.inputActivationShape(time: 1) else {
            Issue.record("the shipped model takes [C, T] input")
            return
        }
        var random = SeededGenerator(seed: 7)
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
}
