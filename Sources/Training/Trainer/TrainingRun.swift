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

    public func run(resume: Bool) throws -> Record {
        try config.validate()
        let clock = ContinuousClock()
        let start = clock.now
        let manifestURL = URL(fileURLWithPath: config.manifest)
        let utterances = try ManifestReader.read(contentsOf: manifestURL, labelMap: config.labelMap, logger: logger).labelled
        logger.info("\(utterances.count) labelled files, \(utterances.speakers.count) speakers from \(config.manifest)")
        let cleanup = config.trimSilenceDecibels > 0 || config.ditherDecibels != nil
            ? RecordingCleanup(trimDecibels: config.trimSilenceDecibels, ditherDecibels: config.ditherDecibels) : nil
        let store = try FeatureStore.compute(utterances, featureConfig: config.featureConfig, input: config.inputSpec, cleanup: cleanup,
                                             telephone: config.telephoneProbability > 0,
                                             copies: config.copyProbability > 0 ? config.audioCopies : [], threads: config.featureThreads,
                                             logger: logger)
        let indexBySpeaker = Dictionary(grouping: utterances.indices, by: { utterances[$0].speaker })
        func indices(_ speakers: [String]) -> [Int] { speakers.flatMap { indexBySpeaker[$0] ?? [] }.sorted() }

        // Cross-validation: per fold and evaluation set (`clean`, `telephone`, `clean/<corpus>`, ...)
        // the metrics on the fold's unseen test speakers.
        let labels = config.labelMap.labels
        var splits: [SpeakerSplit] = []
        var foldMetrics: [[String: ClassificationMetrics]] = []
        var histories: [TrainingHistory] = []
        var temperatures: [Double] = []
        var pooled: [String: (truth: [Int], probabilities: [[Float]])] = [:]
        if config.folds >= 2 {
            for split in SpeakerSplit.kFold(utterances, folds: config.folds, seed: config.effectiveSplitSeed,
                                            validationFraction: config.validationFraction) {
                let fold = split.fold ?? splits.count
                let (train, validation, test) = (indices(split.train), indices(split.validation), indices(split.test))
                let (mean, std) = store.normalization(indices: train, includeTelephone: config.telephoneProbability > 0)
                let trainer = Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: logger)
                let outcome = try trainer.train(
                    trainIndices: train, validationIndices: validation,
                    checkpointDirectory: output.appendingPathComponent("fold-\(fold + 1)"), resume: resume,
                    progress: ProgressReporter(title: "fold \(fold + 1)/\(config.folds)", logger: logger))
                var sets: [String: (truth: [Int], probabilities: [[Float]])] = [:]
                let evaluator = Evaluator(network: outcome.network, config: config)
                for (channel, matrices) in [("clean", store.clean), ("telephone", store.telephone)] where !matrices.isEmpty {
                    for index in test {
                        let probabilities = Evaluator.probabilities(
                            try evaluator.windowLogits(trainer.assembler.normalized(matrices[index])), temperature: outcome.temperature)
                        for key in [channel, "\(channel)/\(utterances[index].corpus)"] {
                            sets[key, default: ([], [])].truth.append(utterances[index].labelIndex(in: config.labelMap))
                            sets[key, default: ([], [])].probabilities.append(probabilities)
                        }
                    }
                }
                for (key, value) in sets {
                    pooled[key, default: ([], [])].truth += value.truth
                    pooled[key, default: ([], [])].probabilities += value.probabilities
                }
                let metrics = sets.mapValues { ClassificationMetrics(labels: labels, truth: $0.truth, probabilities: $0.probabilities) }
                foldMetrics.append(metrics)
                splits.append(split)
                histories.append(TrainingHistory(name: "fold \(fold + 1)", epochs: outcome.history))
                temperatures.append(outcome.temperature)
                let perCorpus = metrics.keys.sorted().filter { $0.contains("/") }
                    .map { "\($0) \(percent(metrics[$0]?.unweightedAverageRecall))" }.joined(separator: ", ")
                logger.info("fold \(fold + 1): test UA clean \(percent(metrics["clean"]?.unweightedAverageRecall)), telephone \(percent(metrics["telephone"]?.unweightedAverageRecall)); \(perCorpus)")
            }
        }

        // The final model: every speaker trains except a stratified validation group.
        let split = SpeakerSplit.stratified(utterances, seed: config.effectiveSplitSeed, validationFraction: config.validationFraction, testFraction: 0)
        let train = indices(split.train + split.test), validation = indices(split.validation)
        let (mean, std) = store.normalization(indices: train, includeTelephone: config.telephoneProbability > 0)
        let trainer = Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: logger)
        let final = try trainer.train(trainIndices: train, validationIndices: validation,
                                      checkpointDirectory: output.appendingPathComponent("final"), resume: resume,
                                      progress: ProgressReporter(title: "final", logger: logger))
        histories.append(TrainingHistory(name: "final", epochs: final.history))
        let seconds = (clock.now - start).seconds

        // Summaries: mean ± std over folds per evaluation set, and the pooled confusion matrices.
        var summaries: [String: CrossValidationSummary] = [:]
        for key in Set(foldMetrics.flatMap(\.keys)) {
            let perFold = foldMetrics.compactMap { $0[key] }
            if perFold.count == foldMetrics.count { summaries[key] = CrossValidationSummary(perFold) }
        }
        var metrics: [String: JSONValue] = [:]
        if !foldMetrics.isEmpty {
            var summary: [String: JSONValue] = [:]
            for (key, value) in summaries {
                summary[key] = .object([
                    "ua_mean": .number(value.unweightedAverageRecall.mean), "ua_std": .number(value.unweightedAverageRecall.standardDeviation),
                    "wa_mean": .number(value.accuracy.mean), "wa_std": .number(value.accuracy.standardDeviation),
                    "macro_f1_mean": .number(value.macroF1.mean), "ece_mean": .number(value.expectedCalibrationError.mean),
                    "ua_per_fold": .array(value.unweightedAverageRecall.values.map(JSONValue.number)),
                    "pooled_confusion": .array(value.pooledConfusion.map { .array($0.map { .number(Double($0)) }) }),
                ])
            }
            metrics["cross_validation"] = .object([
                "protocol": .string("\(config.folds)-fold by speaker (speakers dealt per corpus and gender); every speaker tested once by a model that never saw them; std over folds (n − 1)"),
                "summary": .object(summary),
            ])
        }
        metrics["final_model"] = .object([
            "validation_ua": .number(final.bestValidationUA), "best_epoch": .number(Double(final.bestEpoch)),
            "epochs_run": .number(Double(final.history.count)), "validation_speakers": .array(split.validation.map(JSONValue.string)),
        ])
        metrics["training_seconds"] = .number(seconds)

        let provenance: [String: JSONValue] = [
            "data": .string(config.manifest),
            "corpora": .array(Set(utterances.map(\.corpus)).sorted().map(JSONValue.string)),
            "files": .number(Double(utterances.count)),
            "split": .object([
                "train": .array((split.train + split.test).sorted().map(JSONValue.string)),
                "validation": .array(split.validation.map(JSONValue.string)),
                "folds": .array(splits.map { .object(["fold": .number(Double(($0.fold ?? 0) + 1)), "test": .array($0.test.map(JSONValue.string)), "validation": .array($0.validation.map(JSONValue.string))]) }),
            ]),
            "seed": .number(Double(config.seed)),
            "split_seed": .number(Double(config.effectiveSplitSeed)),
            "date": .string(ISO8601DateFormatter().string(from: Date())),
            "command": .string(command),
            "git_commit": gitCommit().map(JSONValue.string) ?? .null,
            "preprocessing": .string("leading/trailing silence more than \(config.trimSilenceDecibels) dB below the loudest 10 ms frame trimmed (0.15 s margin), white dither at \(config.ditherDecibels.map { "\($0)" } ?? "no") dBFS (RAVDESS carries digital silence)"),
            "augmentation": .string("\(config.copyProbability > 0 && !config.audioCopies.isEmpty ? "precomputed waveform copies (\(config.audioCopies.map(\.description).joined(separator: ", "))) used with p=\(config.copyProbability), " : "")telephone channel (8 kHz, 300-3400 Hz band-pass, G.711 mu-law, back to 16 kHz) with p=\(config.telephoneProbability), random crop/tiling to \(config.cropSeconds) s, gain ±\(config.gainDecibels) dB, SpecAugment \(config.timeMasks)×≤\(config.maximumTimeMaskFrames) frames, \(config.frequencyMasks)×≤\(config.maximumFrequencyMaskBands) mel bands"),
            "licence": .string("trained on RAVDESS (CC BY-NC-SA 4.0) and EMO-DB (research use): non-commercial use only"),
        ]

        // The JSON + HTML report (the evaluation module's format).
        var sections: [TrainingReport.Section] = []
        for key in ["clean", "telephone"] + pooled.keys.filter({ $0.contains("/") }).sorted() {
            guard let set = pooled[key] else { continue }
            sections.append(TrainingReport.Section(
                name: "k-fold test speakers, \(key) (pooled over folds)",
                metrics: ClassificationMetrics(labels: labels, truth: set.truth, probabilities: set.probabilities)))
        }
        var notes = summaries.keys.sorted().map { key in
            let s = summaries[key]!
            return "\(key): UA \(percent(s.unweightedAverageRecall.mean)) ± \(percent(s.unweightedAverageRecall.standardDeviation)), WA \(percent(s.accuracy.mean)) ± \(percent(s.accuracy.standardDeviation)) over \(s.folds) folds"
        }
        notes.append("final model: validation UA \(percent(final.bestValidationUA)) at epoch \(final.bestEpoch), temperature \(String(format: "%.3f", final.temperature)); fold temperatures \(temperatures.map { String(format: "%.2f", $0) })")
        notes.append("wall time \(ProgressReporter.clock(seconds)) (features, \(config.folds) folds, final model)")
        let report = TrainingReport(
            title: "\(config.name) \(config.version): training and speaker-independent cross-validation",
            command: CommandLine.arguments, seed: config.seed,
            model: TrainingReport.ModelSummary(name: config.name, version: config.version, source: output.path, labels: labels,
                                               sampleRate: config.featureConfig.sampleRate, temperature: final.temperature),
            data: TrainingReport.DataSummary(sources: [config.manifest], utterances: utterances),
            splits: splits + [split], sections: sections, crossValidation: summaries["clean"],
            fittedTemperature: final.temperature, histories: histories, notes: notes)
        try report.write(to: output)
        for note in notes { logger.info("\(note)") }

        let record = Record(config: config, mean: mean, standardDeviation: std, temperature: final.temperature,
                            provenance: provenance, metrics: metrics)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: output.appendingPathComponent("run.json"), options: .atomic)
        logger.info("run finished in \(ProgressReporter.clock(seconds)); run record \(output.appendingPathComponent("run.json").path)")
        return record
    }

    private func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }

    /// `git rev-parse HEAD` of the working directory, when git and a repository are there.
    private func gitCommit() -> String? {
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
