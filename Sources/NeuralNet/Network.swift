#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A loaded, immutable network: the architecture, its parameters as loaded, and the executable layer
/// kernels with BatchNorm folded into preceding conv/dense weights and activations fused into their
/// bias epilogue.
///
/// `Sendable`: build it once and share it between all request threads; each thread passes its own
/// `Workspace` to `forward`.
public struct Network: Sendable {
    public let spec: NetworkSpec
    /// The parameters exactly as loaded (before folding), by PyTorch-style name; `safeTensors()` writes
    /// them back, and a trainer can start from them.
    public let parameters: [String: Tensor]
    /// The shortest input (frames) the architecture accepts.
    public let minimumTime: Int
    let kernels: [any LayerKernel]

    /// Builds a network from an architecture and its parameters.
    ///
    /// The parameter names must be exactly `spec.parameterShapes()`'s names (every missing and every
    /// unexpected name is reported) and every shape must match.
    public init(spec: NetworkSpec, parameters: [String: Tensor]) throws(NetworkError) {
        let expected = try spec.parameterShapes()
        let expectedNames = Set(expected.map(\.name))
        let missing = expectedNames.subtracting(parameters.keys).sorted()
        let unexpected = Set(parameters.keys).subtracting(expectedNames).sorted()
        guard missing.isEmpty && unexpected.isEmpty else {
            throw .parameterKeyMismatch(missing: missing, unexpected: unexpected)
        }
        for (name, shape) in expected where parameters[name]!.shape != shape {
            throw .parameterShapeMismatch(name: name, expected: shape, actual: parameters[name]!.shape)
        }
        self.spec = spec
        self.parameters = parameters
        minimumTime = try spec.minimumTime()
        kernels = Self.makeKernels(spec: spec, shapes: try spec.shapes(time: minimumTime), parameters: parameters)
    }

    /// Builds a network from an architecture and a model file's tensors (its metadata is ignored).
    public init(spec: NetworkSpec, tensors: SafeTensors) throws(NetworkError) {
        try self.init(spec: spec, parameters: tensors.tensors)
    }

    /// Builds a network from a model file that carries its architecture as JSON in the
    /// `__metadata__` entry `NetworkSpec.metadataKey`.
    public init(tensors: SafeTensors, source: String = "<memory>") throws(NetworkError) {
        guard let json = tensors.metadata[NetworkSpec.metadataKey] else {
            throw .invalidSpecMetadata(file: source, reason: "no \"\(NetworkSpec.metadataKey)\" entry")
        }
        let spec: NetworkSpec
        do {
            spec = try JSONDecoder().decode(NetworkSpec.self, from: Data(json.utf8))
        } catch {
            throw .invalidSpecMetadata(file: source, reason: "\(error)")
        }
        try self.init(spec: spec, parameters: tensors.tensors)
    }

    /// Reads a model file (safetensors with the architecture in its metadata) and builds the network.
    public init(contentsOfFile path: String) throws(NetworkError) {
        let tensors: SafeTensors
        do throws(SafeTensorsError) {
            tensors = try SafeTensors(contentsOfFile: path)
        } catch {
            throw .modelFile(error)
        }
        try self.init(tensors: tensors, source: path)
    }

    /// The model file contents: `parameters`, the architecture JSON under `NetworkSpec.metadataKey`,
    /// and `metadata` (e.g. label names, training provenance). Write it with `write(toFile:)`.
    public func safeTensors(metadata: [String: String] = [:]) -> SafeTensors {
        var all = metadata
        all[NetworkSpec.metadataKey] = spec.jsonString()
        return SafeTensors(tensors: parameters, metadata: all)
    }

    /// The output shape for an input of `time` frames.
    public func outputShape(time: Int) throws(NetworkError) -> ActivationShape {
        try spec.shapes(time: time).last!
    }

    // MARK: Forward pass

    /// Runs the network on `input` (`[C, F, T]` or `[C, T]` matching `spec.inputShape`, any `T` ≥
    /// `minimumTime`) and returns the output (e.g. class probabilities `[K]`).
    public func forward(_ input: Tensor, workspace: Workspace) throws(NetworkError) -> Tensor {
        try input.values.withUnsafeBufferPointer { (buffer) throws(NetworkError) -> Tensor in
            try forward(buffer, shape: input.shape, workspace: workspace)
        }
    }

    /// Runs the network on row-major `input` of `shape`; see `forward(_:workspace:)`.
    public func forward(_ input: UnsafeBufferPointer<Float>, shape: [Int], workspace: Workspace) throws(NetworkError) -> Tensor {
        let time = try validate(shape: shape, count: input.count)
        let need = try requirements(time: time, tiling: workspace.tiling)
        workspace.ensure(activation: need.activation, scratch: need.scratch)

        var current = workspace.activations.0
        var spare = workspace.activations.1
        if let base = input.baseAddress { current.update(from: base, count: input.count) }
        var activation = try spec.inputActivationShape(time: time)
        for kernel in kernels {
            let next = kernel.outputShape(activation)
            if kernel.isInPlace {
                kernel.forward(current, activation, current, workspace.scratch, workspace.tiling)
            } else {
                kernel.forward(current, activation, spare, workspace.scratch, workspace.tiling)
                swap(&current, &spare)
            }
            activation = next
        }
        let result = Array(UnsafeBufferPointer(start: current, count: activation.count))
        return Tensor(shape: activation.dimensions, values: result)
    }

    /// Checks `shape` against `spec.inputShape` and returns its time extent.
    private func validate(shape: [Int], count: Int) throws(NetworkError) -> Int {
        let fixed = spec.inputShape.dropLast().map { $0 ?? 0 }
        guard shape.count == spec.inputShape.count, Array(shape.dropLast()) == fixed else {
            throw .invalidInput(reason: "shape \(shape) does not match input_shape \(spec.inputShape.map { $0.map(String.init) ?? "T" })")
        }
        let time = shape.last!
        guard time >= minimumTime else { throw .inputTooShort(time: time, minimum: minimumTime) }
        guard shape.reduce(1, *) == count else {
            throw .invalidInput(reason: "\(count) values for shape \(shape)")
        }
        return time
    }

    /// Activation-buffer and scratch floats needed for an input of `time` frames.
    func requirements(time: Int, tiling: ConvolutionTiling) throws(NetworkError) -> (activation: Int, scratch: Int) {
        guard time >= minimumTime else { throw .inputTooShort(time: time, minimum: minimumTime) }
        var shape = try spec.inputActivationShape(time: time)
        var activation = shape.count
        var scratch = 0
        for kernel in kernels {
            scratch = max(scratch, kernel.scratchCount(shape, tiling: tiling))
            shape = kernel.outputShape(shape)
            activation = max(activation, shape.count)
        }
        return (activation, scratch)
    }

    /// FLOPs of the convolution layers for an input of `time` frames (2 per multiply-add), the figure
    /// benchmarks divide by time to report GFLOP/s.
    public func convolutionFLOPs(time: Int) throws(NetworkError) -> Int {
        var shape = try spec.inputActivationShape(time: time)
        var total = 0
        for kernel in kernels {
            if let conv = kernel as? ConvolutionKernel { total += conv.flops(shape) }
            shape = kernel.outputShape(shape)
        }
        return total
    }
}

extension NetworkSpec {
    /// Compact JSON with sorted keys (the form stored in model-file metadata).
    public func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain structs, arrays, strings and finite numbers cannot fail.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes the JSON form.
    public init(json: String) throws(NetworkError) {
        do {
            self = try JSONDecoder().decode(NetworkSpec.self, from: Data(json.utf8))
        } catch {
            throw .invalidSpec(layer: nil, reason: "cannot decode spec JSON: \(error)")
        }
    }
}
