import Features
import NeuralNet

/// Everything a model file says about itself besides its weights and architecture: stored as JSON in
/// the safetensors `__metadata__` entry `ModelManifest.metadataKey` (the architecture is under
/// `NetworkSpec.metadataKey`), so one file is the whole model.
public struct ModelManifest: Codable, Sendable, Equatable {
    /// `__metadata__` key of the manifest JSON.
    public static let metadataKey = "ser_manifest"
    /// The manifest format this code reads and writes.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// Model name, e.g. "ser-crnn" (the directory name in the registry).
    public var name: String
    /// Version string (the registry's version directory, a positive integer).
    public var version: String
    /// Output labels in the network's output order.
    public var labels: [String]
    /// The feature front-end the input was computed with.
    public var featureConfig: FeatureConfig
    /// How the network's input is assembled from those features.
    public var input: ModelInputSpec
    /// Softmax temperature fitted on validation data (1 = uncalibrated); probabilities are
    /// `softmax(logits / temperature)`.
    public var temperature: Double
    /// Where the model came from: data, split, seed, date, command (free-form JSON).
    public var provenance: [String: JSONValue]
    /// Evaluation results on held-out speakers (free-form JSON: UA, WA, confusion matrix, ...).
    public var metrics: [String: JSONValue]

    public init(name: String, version: String, labels: [String], featureConfig: FeatureConfig, input: ModelInputSpec,
                temperature: Double = 1, provenance: [String: JSONValue] = [:], metrics: [String: JSONValue] = [:]) {
        self.formatVersion = Self.currentFormatVersion
        self.name = name
        self.version = version
        self.labels = labels
        self.featureConfig = featureConfig
        self.input = input
        self.temperature = temperature
        self.provenance = provenance
        self.metrics = metrics
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", name, version, labels, featureConfig = "feature_config", input
        case temperature, provenance, metrics
    }
}
