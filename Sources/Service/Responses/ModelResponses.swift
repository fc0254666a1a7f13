import Features
import Model
import ModelRegistry
import NeuralNet

/// `GET /v1/models` (`ModelList`).
struct ModelListResponse: Encodable {
    struct Summary: Encodable {
        var name: String
        var versions: [String]
        var latest: String
        var labels: [String]
    }

    var defaultName: String?
    var models: [Summary]

    init(_ snapshot: ModelRegistry.Snapshot) {
        defaultName = snapshot.defaultName
        models = snapshot.names.map { name in
            let versions = snapshot.versions(of: name)
            return Summary(name: name, versions: versions.map(String.init), latest: String(versions.last!),
                           labels: snapshot.models[name]![versions.last!]!.labels)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(defaultName, forKey: .defaultName)  // null when no model is loaded
        try container.encode(models, forKey: .models)
    }

    enum CodingKeys: String, CodingKey { case defaultName = "default", models }
}

/// `GET /v1/models/{name}` (`ModelDetail`): every loaded version with its manifest.
struct ModelDetailResponse: Encodable {
    struct Version: Encodable {
        var version: String
        var labels: [String]
        var featureConfig: FeatureConfig
        var input: ModelInputSpec
        var architecture: NetworkSpec
        var temperature: Double?
        var metrics: [String: JSONValue]
        var provenance: [String: JSONValue]

        enum CodingKeys: String, CodingKey {
            case version, labels, featureConfig = "feature_config", input, architecture, temperature, metrics, provenance
        }
    }

    var name: String
    var latest: String
    var versions: [Version]

    init(name: String, versions models: [Int: EmotionModel]) {
        self.name = name
        latest = String(models.keys.max()!)
        versions = models.keys.sorted().map { version in
            let model = models[version]!
            return Version(version: String(version), labels: model.labels, featureConfig: model.manifest.featureConfig,
                           input: model.manifest.input, architecture: model.network.spec,
                           temperature: rounded(model.manifest.temperature, digits: 6),
                           metrics: model.manifest.metrics, provenance: model.manifest.provenance)
        }
    }
}

/// `POST /v1/models/reload` (`ReloadReport`).
struct ReloadReportResponse: Encodable {
    struct Failure: Encodable {
        var model: String
        var error: String
    }

    var loaded: [String]
    var unchanged: [String]
    var removed: [String]
    var failed: [Failure]

    init(_ report: ReloadReport) {
        loaded = report.loaded
        unchanged = report.unchanged
        removed = report.removed
        failed = report.failed.map { Failure(model: $0.model, error: $0.error) }
    }
}

/// `GET /v2/models/{name}` (`V2ModelMetadata`, the Open Inference Protocol's model metadata).
struct V2ModelMetadataResponse: Encodable {
    struct Tensor: Encodable {
        var name: String
        var datatype: String
        var shape: [Int]
    }

    var name: String
    var versions: [String]
    var platform = "ser-swift"
    var inputs: [Tensor]
    var outputs: [Tensor]

    init(name: String, versions: [Int], labelCount: Int) {
        self.name = name
        self.versions = versions.sorted().map(String.init)
        inputs = [Tensor(name: "audio", datatype: "BYTES", shape: [1])]
        outputs = [Tensor(name: "probabilities", datatype: "FP32", shape: [labelCount])]
    }
}

/// `GET /v2/models/{name}/ready`.
struct V2ModelReadyResponse: Encodable {
    var name: String
    var ready = true
}
