import Foundation
import LinearAlgebra
import Testing
@testable import NeuralNet
import TestSupport

@Suite struct NetworkTests {
    static func randomParameters(_ spec: NetworkSpec, seed: UInt64) throws -> [String: Tensor] {
        var generator = SeededRandom(seed: seed)
        var parameters: [String: Tensor] = [:]
        for (name, shape) in try spec.parameterShapes() {
            let count = shape.reduce(1, *)
            let low: Float = name.hasSuffix("running_var") ? 0.5 : -0.3
            parameters[name] = Tensor(shape: shape, values: (0..<count).map { _ in Float.random(in: low...0.5, using: &generator) })
        }
        return parameters
    }

    static func randomInput(channels: Int, height: Int, time: Int, seed: UInt64) -> Tensor {
        var generator = SeededRandom(seed: seed)
        return Tensor(shape: [channels, height, time],
                      values: (0..<(channels * height * time)).map { _ in Float.random(in: -2...2, using: &generator) })
    }

    @Test func missingAndUnexpectedKeysAreAllNamed() throws {
        var parameters = try Self.randomParameters(NetworkSpecTests.cnn, seed: 1)
        parameters["layers.1.running_mean"] = nil
        parameters["layers.9.bias"] = nil
        parameters["layers.1.num_batches_tracked"] = Tensor(shape: [], values: [0])
        parameters["head.weight"] = Tensor(shape: [1], values: [0])
        #expect(throws: NetworkError.parameterKeyMismatch(
            missing: ["layers.1.running_mean", "layers.9.bias"],
            unexpected: ["head.weight", "layers.1.num_batches_tracked"])) {
            try Network(spec: NetworkSpecTests.cnn, parameters: parameters)
        }
    }

    @Test func wrongShapesAreNamed() throws {
        var parameters = try Self.randomParameters(NetworkSpecTests.cnn, seed: 2)
        parameters["layers.4.weight"] = Tensor(shape: [64, 32, 3, 2], repeating: 0)
        #expect(throws: NetworkError.parameterShapeMismatch(name: "layers.4.weight", expected: [64, 32, 3, 3], actual: [64, 32, 3, 2])) {
            try Network(spec: NetworkSpecTests.cnn, parameters: parameters)
        }
    }

    @Test func modelFileRoundTrip() throws {
        let spec = NetworkSpecTests.cnn
        let network = try Network(spec: spec, parameters: try Self.randomParameters(spec, seed: 3))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nn-model-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try network.safeTensors(metadata: ["labels": "a,b,c,d,e,f,g"]).write(toFile: path)

        let file = try SafeTensors(contentsOfFile: path)
        #expect(file.metadata["labels"] == "a,b,c,d,e,f,g")
        let loaded = try Network(contentsOfFile: path)
        #expect(loaded.spec == spec)
        #expect(loaded.parameters == network.parameters)
        let input = Self.randomInput(channels: 1, height: 64, time: 37, seed: 4)
        let workspace = Workspace()
        #expect(try loaded.forward(input, workspace: workspace) == network.forward(input, workspace: workspace))
    }

    @Test func modelFileWithoutSpecIsRejected() {
        let tensors = SafeTensors(tensors: [:], metadata: ["other": "x"])
        #expect(throws: NetworkError.self) { try Network(tensors: tensors) }
        let garbage = SafeTensors(tensors: [:], metadata: [NetworkSpec.metadataKey: "{not json"])
        #expect(throws: NetworkError.self) { try Network(tensors: garbage) }
    }

    @Test func corruptModelFileIsAModelFileError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nn-corrupt-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])))
        do {
            _ = try Network(contentsOfFile: path)
            Issue.record("expected an error")
        } catch {
            guard case .modelFile(.truncated(path, 3)) = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func invalidInputsThrow() throws {
        let network = try Network(spec: NetworkSpecTests.cnn, parameters: try Self.randomParameters(NetworkSpecTests.cnn, seed: 5))
        let workspace = Workspace()
        #expect(throws: NetworkError.inputTooShort(time: 1, minimum: 2)) {
            try network.forward(Self.randomInput(channels: 1, height: 64, time: 1, seed: 6), workspace: workspace)
        }
        #expect(throws: NetworkError.self) {
            try network.forward(Self.randomInput(channels: 1, height: 40, time: 50, seed: 6), workspace: workspace)
        }
        #expect(throws: NetworkError.self) {
            try network.forward(Tensor(shape: [64, 50], repeating: 0), workspace: workspace)
        }
        let output = try network.forward(Self.randomInput(channels: 1, height: 64, time: 2, seed: 6), workspace: workspace)
        #expect(output.shape == [7])
        #expect(abs(output.values.reduce(0, +) - 1) < 1e-5)
    }

    @Test func workspaceGrowsOnlyForLongerInputs() throws {
        let network = try Network(spec: NetworkSpecTests.cnn, parameters: try Self.randomParameters(NetworkSpecTests.cnn, seed: 7))
        let workspace = try Workspace(network: network, maximumTime: 300)
        let capacity = (workspace.activationCapacity, workspace.scratchCapacity)
        // The largest activation is the first block's pooled output (conv, BN, ReLU and pool are fused).
        #expect(capacity.0 == 32 * 32 * 150)
        for time in [300, 17, 299] {
            _ = try network.forward(Self.randomInput(channels: 1, height: 64, time: time, seed: 8), workspace: workspace)
            #expect(workspace.activationCapacity == capacity.0 && workspace.scratchCapacity == capacity.1)
        }
        _ = try network.forward(Self.randomInput(channels: 1, height: 64, time: 302, seed: 8), workspace: workspace)
        #expect(workspace.activationCapacity == 32 * 32 * 151)
    }

    /// One shared network, one workspace per thread: same results as serial calls.
    @Test func concurrentForwardPassesAgree() async throws {
        // One BLAS thread per call, as the service runs. The setting is process-wide and the trainer's
        // tests in this process set it too; a serial pass with OpenBLAS's default pool and concurrent
        // passes after such a change would differ in the last bits (another gemm blocking).
        BLAS.setThreadCount(1)
        let network = try Network(spec: NetworkSpecTests.cnn, parameters: try Self.randomParameters(NetworkSpecTests.cnn, seed: 9))
        let inputs = (0..<6).map { Self.randomInput(channels: 1, height: 64, time: 20 + 13 * $0, seed: UInt64($0)) }
        let serialWorkspace = Workspace()
        let expected = try inputs.map { try network.forward($0, workspace: serialWorkspace) }
        let results = try await withThrowingTaskGroup(of: (Int, [Tensor]).self) { group in
            for worker in 0..<3 {
                group.addTask {
                    let workspace = Workspace()
                    return (worker, try (0..<4).flatMap { _ in try inputs.map { try network.forward($0, workspace: workspace) } })
                }
            }
            var all: [(Int, [Tensor])] = []
            for try await result in group { all.append(result) }
            return all
        }
        for (_, outputs) in results {
            for (index, output) in outputs.enumerated() { #expect(output == expected[index % inputs.count]) }
        }
    }
}
