import Features
import Foundation
import Model
import NeuralNet

/// Small, real models for tests: a conv1d network over log-mel + energy rows with seeded random
/// weights, written in the registry layout. Their predictions are meaningless but deterministic, so
/// tests can check plumbing, file handling and exact reproducibility without the trained default model.
public enum TinyModel {
    public static let labels = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]

    public static var featureConfig: FeatureConfig {
        var config = FeatureConfig()
        config.melBandCount = 40
        return config
    }

    public static var inputSpec: ModelInputSpec {
        ModelInputSpec(features: [.logMel, .energy], layout: .channelsByTime, windowSeconds: 2,
                       mean: [Float](repeating: -40, count: 41), standardDeviation: [Float](repeating: 20, count: 41))
    }

    public static var spec: NetworkSpec {
        NetworkSpec(inputShape: [41, nil], layers: [
            .conv1d(ConvolutionSpec(outChannels: 16, kernelSize: [5], padding: [2])),
            .batchNorm(BatchNormSpec()),
            .activation(.relu),
            .maxPool1d(PoolingSpec(kernelSize: [2])),
            .conv1d(ConvolutionSpec(outChannels: 16, kernelSize: [3], padding: [1])),
            .activation(.relu),
            .statisticsPooling(StatisticsPoolingSpec()),
            .dense(DenseSpec(outFeatures: labels.count)),
            .softmax,
        ])
    }

    /// The network with weights drawn from a seeded generator (`std = 1/√fan_in`).
    public static func network(seed: UInt64) throws -> Network {
        var random = SeededRandom(seed: seed)
        var parameters: [String: Tensor] = [:]
        for (name, shape) in try spec.parameterShapes() {
            let count = shape.reduce(1, *)
            let fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
            let values: [Float]
            if name.hasSuffix("running_var") {
                values = (0..<count).map { _ in 0.5 + random.uniform() }
            } else if name.hasSuffix("running_mean") || name.hasSuffix("bias") {
                values = (0..<count).map { _ in 0.1 * (random.uniform() * 2 - 1) }
            } else {
                values = (0..<count).map { _ in (random.uniform() * 2 - 1) * 1.7 / Float(fanIn).squareRoot() }
            }
            parameters[name] = Tensor(shape: shape, values: values)
        }
        return try Network(spec: spec, parameters: parameters)
    }

    public static func manifest(name: String = "tiny", version: String = "1", temperature: Double = 1) -> ModelManifest {
        ModelManifest(name: name, version: version, labels: labels, featureConfig: featureConfig, input: inputSpec,
                      temperature: temperature, provenance: ["data": .string("none: random weights for tests")],
                      metrics: ["note": .string("untrained")])
    }

    /// Writes `<directory>/<name>/<version>/model.safetensors`; returns its path.
    @discardableResult
    public static func write(to directory: URL, name: String = "tiny", version: Int = 1, seed: UInt64 = 1, temperature: Double = 1) throws -> String {
        let folder = directory.appendingPathComponent(name).appendingPathComponent(String(version))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(ModelFile.fileName).path
        try ModelFile.write(manifest: manifest(name: name, version: String(version), temperature: temperature),
                            network: network(seed: seed), toFile: path)
        return path
    }

    /// A fresh temporary models directory.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ser-models-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
