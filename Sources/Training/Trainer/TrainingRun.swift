import Features
import Foundation
import Logging
import Model
import NeuralNet

/// A complete, reproducible training run from a `TrainingConfig`: read the manifest, compute the
/// feature cache (clean + telephone), k-fold cross-validation by speaker (each fold: normalisation
/// statistics from its training speakers only, training with early stopping on its validation
/// speakers, evaluation on its unseen test speakers, clean and through the telephone channel, pooled
/// and per corpus), then the final model on all speakers but a validation group, with its
/// temperature fitted there. Writes `<output>/run.json` (what `ser-train export` needs) and
/// `<output>/report.json` + `report.html`; checkpoints go to `<output>/fold-N/` and `<output>/final/`.
///
/// With `heldOutCorpus` (leave one corpus out) the folds, the validation group and the final model
/// use the other corpora only, and the final model is then scored on the whole held-out corpus
/// (`HeldOutCorpusEvaluation`, in `run.json` under `leave_one_corpus_out` and in the report).
public struct TrainingRun {
    public let config: TrainingConfig
    public let output: URL
    /// The command line that started the run (provenance).
    public let command: String
    let logger: Logger

    public init(config: TrainingConfig, output: URL, command: String, logger: Logger) {
        self.config = config
        self.output = output
        self.command = command
        self.logger = logger
    }

    /// What `run.json` holds: everything the exporter needs besides the final weights.
    public struct Record: Codable, Sendable {
        public var config: TrainingConfig
        public var mean: [Float]
        public var standardDeviation: [Float]
        public var temperature: Double
        public var provenance: [String: JSONValue]
        public var metrics: [String: JSONValue]
    }

    /// Reads the manifest, computes the features and runs (see `run(store:resume:)`).
    public func run(resume: Bool) throws -> Record {
        try config.validate()
        return try run(store: try loadFeatures(), resume: resume)
    }

    /// The labelled utterances of the manifest and their cached network inputs.
    public func loadFeatures() throws -> FeatureStore {
        let utterances = try ManifestReader.read(contentsOf: URL(fileURLWithPath: config.manifest), labelMap: config.labelMap,
                                                 logger: logger).labelled
        logger.info("\(utterances.count) labelled files, \(utterances.speakers.count) speakers from \(config.manifest)")
        let cleanup = config.trimSilenceDecibels > 0 || config.ditherDecibels != nil
            ? RecordingCleanup(trimDecibels: config.trimSilenceDecibels, ditherDecibels: config.ditherDecibels) : nil
        return try FeatureStore.compute(utterances, featureConfig: config.featureConfig, input: config.inputSpec, cleanup: cleanup,
                                        telephone: config.telephoneProbability > 0,
                                        copies: config.copyProbability > 0 ? config.audioCopies : [], threads: config.featureThreads,
                                        logger: logger)
    }

    /// The run on computed features (every utterance labelled): cross-validation, the final model,
    /// the held-out corpus if any; writes the report and `run.json`.
    public func run(store: FeatureStore, resume: Bool) throws -> Record {
        try execute(store: store, resume: resume).record
    }

    /// `run(store:resume:)`, also handing back what the record was made from.
    func execute(store: FeatureStore, resume: Bool) throws -> (record: Record, result: Result) {
        try config.validate()
        let start = ContinuousClock.now
        let data = try RunData(store: store, heldOutCorpus: config.heldOutCorpus)
        if let corpus = data.heldOutCorpus {
            logger.info("leave one corpus out: \(corpus) (\(data.heldOutIndices.count) files) held out; training on \(Set(data.pool.map(\.corpus)).sorted())")
        }
        let crossValidation = try crossValidate(data, resume: resume)
        let final = try trainFinal(data, resume: resume)
        let heldOut = try data.heldOutCorpus.map { try evaluateHeldOut($0, data: data, model: final) }
        let result = Result(data: data, crossValidation: crossValidation, final: final, heldOut: heldOut,
                            seconds: (ContinuousClock.now - start).seconds)
        try report(result).write(to: output)
        for note in notes(result) { logger.info("\(note)") }
        let record = Record(config: config, mean: final.trainer.assembler.mean, standardDeviation: final.trainer.assembler.standardDeviation,
                            temperature: final.outcome.temperature, provenance: provenance(result), metrics: metrics(result))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: output.appendingPathComponent("run.json"), options: .atomic)
        logger.info("run finished in \(ProgressReporter.clock(result.seconds)); run record \(output.appendingPathComponent("run.json").path)")
        return (record, result)
    }

    /// Everything a finished run reports from.
    struct Result {
        let data: RunData
        let crossValidation: CrossValidationOutcome
        let final: FinalModel
        let heldOut: HeldOutCorpusEvaluation?
        let seconds: Double
    }

    func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }

    /// `git rev-parse HEAD` of the working directory, when git and a repository are there.
    func gitCommit() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
