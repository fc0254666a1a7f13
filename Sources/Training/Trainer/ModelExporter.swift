import Foundation
import Model
import NeuralNet

/// Writes the registry model file of a finished run: the final checkpoint's best weights and the full
/// manifest (labels, feature configuration, input spec with the training split's normalisation,
/// temperature, provenance, metrics) to `<models>/<name>/<version>/model.safetensors`, plus the run's
/// `report.json` and `report.html` beside it.
public enum ModelExporter {
    /// `leaveOneCorpusOut`: the `--output` directory of `ser-train train --loco` for the same recipe
    /// (`LeaveOneCorpusOutSummary.load(fromRun:recipeOf:)`); its table goes into the manifest's
    /// `metrics.leave_one_corpus_out_summary` and the report, and its unseen-corpus temperature factor
    /// (`UnseenCorpusCalibration`, when the runs scanned it) multiplies the run's validation-fitted
    /// temperature: the model is calibrated for audio from elsewhere, which is all a service hears.
    @discardableResult
    public static func export(runDirectory: URL, modelsDirectory: URL, leaveOneCorpusOut: URL? = nil) throws -> URL {
        let record = try JSONDecoder().decode(TrainingRun.Record.self, from: Data(contentsOf: runDirectory.appendingPathComponent("run.json")))
        let config = record.config
        let loco = try leaveOneCorpusOut.map { try LeaveOneCorpusOutSummary.load(fromRun: $0, recipeOf: config) }
        let parameters = try Checkpoint.bestParameters(in: runDirectory.appendingPathComponent("final"))
        let network = try Network(spec: config.networkSpec, parameters: parameters)
        var input = config.inputSpec
        input.mean = record.mean
        input.standardDeviation = record.standardDeviation
        var metrics = record.metrics
        if let loco { metrics["leave_one_corpus_out_summary"] = loco.json }
        let manifest = ModelManifest(name: config.name, version: config.version, labels: config.labelMap.labels,
                                     featureConfig: config.featureConfig, input: input,
                                     temperature: record.temperature * (loco?.unseenCorpusCalibration?.factor ?? 1),
                                     provenance: record.provenance, metrics: metrics)
        let directory = modelsDirectory.appendingPathComponent(config.name).appendingPathComponent(config.version)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(ModelFile.fileName)
        try ModelFile.write(manifest: manifest, network: network, toFile: file.path)
        try copyReport(from: runDirectory, to: directory, adding: loco)
        return file
    }

    /// The run's report.json and report.html into `directory`; with a leave-one-corpus-out table, the
    /// report is read, given the table and written again (both files).
    static func copyReport(from runDirectory: URL, to directory: URL, adding loco: LeaveOneCorpusOutSummary?) throws {
        let json = runDirectory.appendingPathComponent("report.json")
        guard FileManager.default.fileExists(atPath: json.path) else { return }
        if let loco {
            var report = try JSONDecoder().decode(TrainingReport.self, from: Data(contentsOf: json))
            report.leaveOneCorpusOut = loco
            try report.write(to: directory)
            return
        }
        for name in ["report.json", "report.html"] {
            let report = runDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: report.path) else { continue }
            let target = directory.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: report, to: target)
        }
    }
}
