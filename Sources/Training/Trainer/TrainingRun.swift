import Foundation
import Logging
import ModelRegistry
import NeuralNet

/// A complete, reproducible training run from a `TrainingConfig`: read the manifest, compute the
/// feature cache (clean + telephone), k-fold cross-validation by speaker (each fold: normalisation
/// statistics from its training speakers only, training with early stopping on its validation
/// speakers, evaluation on its unseen test speakers, clean and through the telephone channel, pooled
/// and per corpus), then the final model on all speakers but a validation group, with its
/// temperature fitted there. Writes `<output>/run.json` (what `ser-train export` needs) and
/// `<output>/report.json`; checkpoints go to `<output>/fold-N/` and `<output>/final/`.
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

    /// Scores of one evaluation set.
    public struct Scores: Codable, Sendable {
        public var unweightedAccuracy: Double
        public var weightedAccuracy: Double
        public var count: Int
        public var confusion: [[Int]]

        init(_ s: ClassificationScores) {
            unweightedAccuracy = s.unweightedAccuracy
            weightedAccuracy = s.weightedAccuracy
            count = s.count
            confusion = s.confusion
        }

        enum CodingKeys: String, CodingKey { case unweightedAccuracy = "ua", weightedAccuracy = "wa", count = "n", confusion }
    }

    /// One fold's results on its test speakers.
    public struct FoldResult: Codable, Sendable {
        public var fold: Int
        public var testSpeakers: [String]
        public var validationSpeakers: [String]
        public var bestEpoch: Int
        public var epochsRun: Int
        public var temperature: Double
        /// Keys: `clean`, `telephone`, `clean/<corpus>`, `telephone/<corpus>`.
        public var scores: [String: Scores]
    }

    /// Mean and population standard deviation over folds.
    public struct Spread: Codable, Sendable {
        public var mean: Double
        public var std: Double
        init(_ values: [Double]) {
            let average = values.reduce(0, +) / Double(max(values.count, 1))
            mean = average
            std = (values.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(max(values.count, 1))).squareRoot()
        }
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
        let store = try FeatureStore.compute(utterances, featureConfig: config.featureConfig, input: config.inputSpec,
                                             telephone: config.telephoneProbability > 0, threads: config.featureThreads,
                                             logger: logger)
        let indexBySpeaker = Dictionary(grouping: utterances.indices, by: { utterances[$0].speaker })
        func indices(_ speakers: [String]) -> [Int] { speakers.flatMap { indexBySpeaker[$0] ?? [] }.sorted() }

        var folds: [FoldResult] = []
        var pooled: [String: ClassificationScores] = [:]
        if config.folds >= 2 {
            for split in SpeakerSplit.kFold(utterances, folds: config.folds, seed: config.seed,
                                            validationFraction: config.validationFraction) {
                let fold = split.fold ?? folds.count
                let (train, validation, test) = (indices(split.train), indices(split.validation), indices(split.test))
                let (mean, std) = store.normalization(indices: train, includeTelephone: config.telephoneProbability > 0)
                let trainer = Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: logger)
                let outcome = try trainer.train(
                    trainIndices: train, validationIndices: validation,
                    checkpointDirectory: output.appendingPathComponent("fold-\(fold + 1)"), resume: resume,
                    progress: ProgressReporter(title: "fold \(fold + 1)/\(config.folds)", logger: logger))
                var scores: [String: ClassificationScores] = [:]
                let evaluator = Evaluator(network: outcome.network, windowFrames: config.windowFrames, layout: config.layout)
                for (channel, matrices) in [("clean", store.clean), ("telephone", store.telephone)] where !matrices.isEmpty {
                    for index in test {
                        let probabilities = Evaluator.probabilities(try evaluator.windowLogits(trainer.assembler.normalized(matrices[index])),
                                                                    temperature: outcome.temperature)
                        let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
                        let one = ClassificationScores(labels: [utterances[index].labelIndex(in: config.labelMap)],
                                                       predictions: [predicted], classes: config.labelMap.labels.count)
                        for key in [channel, "\(channel)/\(utterances[index].corpus)"] {
                            scores[key, default: ClassificationScores(classes: config.labelMap.labels.count)].add(one)
                        }
                    }
                }
                for (key, value) in scores { pooled[key, default: ClassificationScores(classes: value.confusion.count)].add(value) }
                let result = FoldResult(fold: fold + 1, testSpeakers: split.test, validationSpeakers: split.validation,
                                        bestEpoch: outcome.bestEpoch, epochsRun: outcome.history.count,
                                        temperature: outcome.temperature, scores: scores.mapValues(Scores.init))
                folds.append(result)
                let perCorpus = scores.keys.sorted().filter { $0.contains("/") }
                    .map { "\($0) \(percent(scores[$0]?.unweightedAccuracy))" }.joined(separator: ", ")
                logger.info("fold \(fold + 1): test UA clean \(percent(scores["clean"]?.unweightedAccuracy)), telephone \(percent(scores["telephone"]?.unweightedAccuracy)); \(perCorpus)")
            }
        }

        // The final model: every speaker trains except a stratified validation group.
        let split = SpeakerSplit.stratified(utterances, seed: config.seed, validationFraction: config.validationFraction, testFraction: 0)
        let train = indices(split.train + split.test), validation = indices(split.validation)
        let (mean, std) = store.normalization(indices: train, includeTelephone: config.telephoneProbability > 0)
        let trainer = Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: logger)
        let final = try trainer.train(trainIndices: train, validationIndices: validation,
                                      checkpointDirectory: output.appendingPathComponent("final"), resume: resume,
                                      progress: ProgressReporter(title: "final", logger: logger))
        let seconds = (clock.now - start).seconds

        var metrics: [String: JSONValue] = [:]
        if !folds.isEmpty {
            var summary: [String: JSONValue] = [:]
            let keys = Set(folds.flatMap { $0.scores.keys }).sorted()
            for key in keys {
                let ua = Spread(folds.compactMap { $0.scores[key]?.unweightedAccuracy })
                let wa = Spread(folds.compactMap { $0.scores[key]?.weightedAccuracy })
                summary[key] = .object([
                    "ua_mean": .number(ua.mean), "ua_std": .number(ua.std), "wa_mean": .number(wa.mean), "wa_std": .number(wa.std),
                    "pooled_ua": .number(pooled[key]!.unweightedAccuracy), "pooled_wa": .number(pooled[key]!.weightedAccuracy),
                    "n": .number(Double(pooled[key]!.count)),
                ])
            }
            metrics["cross_validation"] = .object([
                "protocol": .string("\(config.folds)-fold by speaker (RAVDESS + EMO-DB speakers dealt per corpus and gender); every speaker tested once by a model that never saw them; clip probabilities = frame-weighted mean over ≤ window_seconds windows"),
                "summary": .object(summary),
                "pooled_confusion_clean": .array(pooled["clean"]!.confusion.map { .array($0.map { .number(Double($0)) }) }),
                "pooled_confusion_telephone": pooled["telephone"].map { .array($0.confusion.map { .array($0.map { .number(Double($0)) }) }) } ?? .null,
            ])
        }
        metrics["final_model"] = .object([
            "validation_ua": .number(final.bestValidationUA), "best_epoch": .number(Double(final.bestEpoch)),
            "epochs_run": .number(Double(final.history.count)), "validation_speakers": .array(split.validation.map(JSONValue.string)),
        ])
        metrics["labels"] = .array(config.labelMap.labels.map(JSONValue.string))
        metrics["training_seconds"] = .number(seconds)

        let provenance: [String: JSONValue] = [
            "data": .string(config.manifest),
            "corpora": .array(Set(utterances.map(\.corpus)).sorted().map(JSONValue.string)),
            "files": .number(Double(utterances.count)),
            "split": .object([
                "train": .array((split.train + split.test).sorted().map(JSONValue.string)),
                "validation": .array(split.validation.map(JSONValue.string)),
                "folds": .array(folds.map { .object(["fold": .number(Double($0.fold)), "test": .array($0.testSpeakers.map(JSONValue.string)), "validation": .array($0.validationSpeakers.map(JSONValue.string))]) }),
            ]),
            "seed": .number(Double(config.seed)),
            "date": .string(ISO8601DateFormatter().string(from: Date())),
            "command": .string(command),
            "git_commit": gitCommit().map(JSONValue.string) ?? .null,
            "augmentation": .string("telephone channel (300 Hz high-pass, 8 kHz, G.711 mu-law, back to 16 kHz) with p=\(config.telephoneProbability), random crop/tiling to \(config.windowSeconds) s, gain ±\(config.gainDecibels) dB, SpecAugment \(config.timeMasks)×≤\(config.maximumTimeMaskFrames) frames, \(config.frequencyMasks)×≤\(config.maximumFrequencyMaskBands) mel bands"),
            "licence": .string("trained on RAVDESS (CC BY-NC-SA 4.0) and EMO-DB (research use): non-commercial use only"),
        ]
        let record = Record(config: config, mean: mean, standardDeviation: std, temperature: final.temperature,
                            provenance: provenance, metrics: metrics)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try encoder.encode(record).write(to: output.appendingPathComponent("run.json"), options: .atomic)
        let report: [String: JSONValue] = ["metrics": .object(metrics), "provenance": .object(provenance),
                                           "folds": try JSONDecoder().decode(JSONValue.self, from: encoder.encode(folds)),
                                           "final_history": try JSONDecoder().decode(JSONValue.self, from: encoder.encode(final.history))]
        try encoder.encode(report).write(to: output.appendingPathComponent("report.json"), options: .atomic)
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
