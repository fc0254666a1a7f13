import Foundation
import Model
import NeuralNet

/// Writes the registry model file of a finished run: the final checkpoint's best weights and the full
/// manifest (labels, feature configuration, input spec with the training split's normalisation,
/// temperature, provenance, metrics) to `<models>/<name>/<version>/model.safetensors`, plus the run's
/// `report.json` and `report.html` beside it.
public enum ModelExporter {
    @discardableResult
    public static func export(runDirectory: URL, modelsDirectory: URL) throws -> URL {
        let record = try JSONDecoder().decode(TrainingRun.Record.self, from: Data(contentsOf: runDirectory.appendingPathComponent("run.json")))
        let parameters = try Checkpoint.bestParameters(in: runDirectory.appendingPathComponent("final"))
        let config = record.config
        let network = try Network(spec: config.networkSpec, parameters: parameters)
        var input = config.inputSpec
        input.mean = record.mean
        input.standardDeviation = record.standardDeviation
        let manifest = ModelManifest(name: config.name, version: config.version, labels: config.labelMap.labels,
                                     featureConfig: config.featureConfig, input: input, temperature: record.temperature,
                                     provenance: record.provenance, metrics: record.metrics)
        let directory = modelsDirectory.appendingPathComponent(config.name).appendingPathComponent(config.version)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(ModelFile.fileName)
        try ModelFile.write(manifest: manifest, network: network, toFile: file.path)
        for name in ["report.json", "report.html"] {
            let report = runDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: report.path) else { continue }
            let target = directory.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: report, to: target)
        }
        return file
    }
}
