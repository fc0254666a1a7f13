import Features
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuralNet

/// Reading and writing model files: safetensors weights whose `__metadata__` holds the architecture
/// (`network_spec`) and the manifest (`ser_manifest`). Reading is strict: the safetensors layer checks
/// header bounds, dtype, offsets and sizes; the network checks the exact key set and every shape; this
/// layer checks that the manifest fits the network. Any failure is an error naming the file, never a
/// crash.
public enum ModelFile {
    /// The file name inside a registry version directory.
    public static let fileName = "model.safetensors"

    public static func read(contentsOfFile path: String) throws(ModelFileError) -> (manifest: ModelManifest, network: Network) {
        let tensors: SafeTensors
        do throws(SafeTensorsError) {
            tensors = try SafeTensors(contentsOfFile: path)
        } catch {
            throw .network(file: path, .modelFile(error))
        }
        return try read(tensors, source: path)
    }

    public static func read(bytes: [UInt8], source: String = "<memory>") throws(ModelFileError) -> (manifest: ModelManifest, network: Network) {
        let tensors: SafeTensors
        do throws(SafeTensorsError) {
            tensors = try SafeTensors(bytes: bytes, source: source)
        } catch {
            throw .network(file: source, .modelFile(error))
        }
        return try read(tensors, source: source)
    }

    static func read(_ tensors: SafeTensors, source: String) throws(ModelFileError) -> (manifest: ModelManifest, network: Network) {
        guard let json = tensors.metadata[ModelManifest.metadataKey] else {
            throw .invalidManifest(file: source, reason: "no \"\(ModelManifest.metadataKey)\" metadata entry")
        }
        let manifest: ModelManifest
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: Data(json.utf8))
        } catch {
            throw .invalidManifest(file: source, reason: "\(error)")
        }
        let network: Network
        do throws(NetworkError) {
            network = try Network(tensors: tensors, source: source)
        } catch {
            throw .network(file: source, error)
        }
        try validate(manifest, network, source: source)
        return (manifest, network)
    }

    /// The file's bytes for `manifest` and `network`.
    public static func serialized(manifest: ModelManifest, network: Network) throws(ModelFileError) -> [UInt8] {
        try validate(manifest, network, source: "<new model>")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: String
        do {
            json = String(decoding: try encoder.encode(manifest), as: UTF8.self)
        } catch {
            throw .invalidManifest(file: "<new model>", reason: "\(error)")
        }
        return network.safeTensors(metadata: [ModelManifest.metadataKey: json]).serialized()
    }

    /// Writes the model atomically (a temporary file renamed into place), so a registry reloading at
    /// that moment sees the old file or the new one, never half of it.
    public static func write(manifest: ModelManifest, network: Network, toFile path: String) throws(ModelFileError) {
        let bytes = try serialized(manifest: manifest, network: network)
        let temporary = path + ".tmp-\(getpid())"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .cannotWrite(file: path, reason: "\(error)")
        }
    }

    /// Checks that the manifest describes this network.
    static func validate(_ manifest: ModelManifest, _ network: Network, source: String) throws(ModelFileError) {
        func fail(_ reason: String) -> ModelFileError { .inconsistent(file: source, reason: reason) }
        guard manifest.formatVersion == ModelManifest.currentFormatVersion else {
            throw fail("format_version \(manifest.formatVersion) is not supported (this server reads \(ModelManifest.currentFormatVersion))")
        }
        guard !manifest.name.isEmpty, !manifest.labels.isEmpty, Set(manifest.labels).count == manifest.labels.count else {
            throw fail("name must be non-empty and labels non-empty and distinct")
        }
        do throws(FeatureConfigError) {
            try manifest.featureConfig.validate()
        } catch {
            throw fail("feature_config: \(error)")
        }
        let rows = manifest.input.rowCount(config: manifest.featureConfig)
        let expectedInput: [Int?] = manifest.input.layout == .image ? [1, rows, nil] : [rows, nil]
        guard network.spec.inputShape == expectedInput else {
            throw fail("the input has \(rows) feature rows (\(manifest.input.layout.rawValue)), the network expects \(network.spec.inputShape.map { $0.map(String.init) ?? "T" })")
        }
        guard manifest.input.mean.isEmpty || (manifest.input.mean.count == rows && manifest.input.standardDeviation.count == rows) else {
            throw fail("normalisation statistics have \(manifest.input.mean.count)/\(manifest.input.standardDeviation.count) rows, the input has \(rows)")
        }
        let windowFrames = manifest.featureConfig.frameCount(sampleCount: Int(manifest.input.windowSeconds * Double(manifest.featureConfig.sampleRate)))
        guard manifest.input.windowSeconds > 0, windowFrames >= network.minimumTime else {
            throw fail("window_seconds \(manifest.input.windowSeconds) is shorter than the network's minimum of \(network.minimumTime) frames")
        }
        let outputs: Int
        do throws(NetworkError) {
            outputs = try network.outputShape(time: max(network.minimumTime, windowFrames)).count
        } catch {
            throw .network(file: source, error)
        }
        guard outputs == manifest.labels.count else {
            throw fail("the network has \(outputs) outputs for \(manifest.labels.count) labels")
        }
        guard manifest.temperature.isFinite, manifest.temperature > 0 else {
            throw fail("temperature must be a positive number, got \(manifest.temperature)")
        }
    }
}
