import Testing
@testable import NeuralNet

/// Every layer, and whole small CNN and CRNN networks, against the NumPy references of
/// `scripts/fixtures/make-layer-fixtures.py`.
@Suite struct LayerParityTests {
    @Test func fixturesArePresent() {
        #expect(Fixtures.caseNames.count >= 30)
        for name in ["cnn", "crnn", "crnn_gru", "conv2d", "lstm", "gru", "attentive_pooling"] {
            #expect(Fixtures.caseNames.contains(name), "missing fixture \(name)")
        }
    }

    @Test(arguments: Fixtures.caseNames)
    func matchesNumPyReference(_ name: String) throws {
        let network = try Network(contentsOfFile: Fixtures.path("\(name).safetensors"))
        let io = try SafeTensors(contentsOfFile: Fixtures.path("\(name).io.safetensors"))
        let workspace = Workspace()
        var checked = 0
        while let input = io.tensors["input_\(checked)"], let expected = io.tensors["output_\(checked)"] {
            let output = try network.forward(input, workspace: workspace)
            #expect(output.shape == expected.shape, "\(name) input \(checked)")
            let error = worstScaledError(output.values, expected.values)
            #expect(error <= parityTolerance, "\(name) input \(checked): scaled error \(error)")
            checked += 1
        }
        #expect(checked >= 2)
    }

    /// The same output whatever the im2col tile size (tiles split output rows mid-way).
    @Test func convolutionTilingDoesNotChangeResults() throws {
        let network = try Network(contentsOfFile: Fixtures.path("cnn.safetensors"))
        let io = try SafeTensors(contentsOfFile: Fixtures.path("cnn.io.safetensors"))
        let input = io.tensors["input_1"]!
        let reference = try network.forward(input, workspace: Workspace())
        for tileBytes in [1, 700, 5000, 1 << 24] {
            let tiled = try network.forward(input, workspace: Workspace(tiling: ConvolutionTiling(tileBytes: tileBytes, minimumColumns: 16)))
            #expect(worstScaledError(tiled.values, reference.values) <= 1e-6, "tile \(tileBytes) bytes")
        }
    }
}
