import Foundation
import LinearAlgebra
import Logging
import ModelRegistry
import NeuralNet
import Testing
@testable import Training
import Model

@Suite struct TrainerTests {
    let logger = Logger(label: "test")

    private func trainer(_ config: TrainingConfig, _ store: FeatureStore, train: [Int]) -> Trainer {
        let (mean, std) = store.normalization(indices: train, includeTelephone: true)
        return Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: logger)
    }

    private func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ser-train-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func learnsASyntheticTaskInSeconds() throws {
        let store = SyntheticTask.store()
        let train = Array(0..<48), validation = Array(48..<64)  // speakers 0-3 appear in both; classes are what matters here
        let outcome = try trainer(SyntheticTask.config(), store, train: train).train(
            trainIndices: train, validationIndices: validation,
            progress: ProgressReporter(title: "synthetic", logger: logger, interactive: false))
        #expect(outcome.history.count == 8)
        #expect(outcome.history.last!.trainLoss < 0.6 * outcome.history.first!.trainLoss,
                "loss \(outcome.history.map(\.trainLoss))")
        #expect(outcome.bestValidationUA >= 0.9, "validation UA \(outcome.bestValidationUA) (chance 0.5)")
        #expect(outcome.temperature > 0.05 && outcome.temperature < 20)
    }

    @Test func resumingFromACheckpointContinuesIdentically() throws {
        let store = SyntheticTask.store()
        let config = SyntheticTask.config(epochs: 4)
        let train = Array(0..<48), validation = Array(48..<64)
        let straight = try trainer(config, store, train: train).train(
            trainIndices: train, validationIndices: validation,
            progress: ProgressReporter(title: "straight", logger: logger, interactive: false))

        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let interrupted = try trainer(config, store, train: train).train(
            trainIndices: train, validationIndices: validation, checkpointDirectory: directory, stopAfterEpoch: 2,
            progress: ProgressReporter(title: "first half", logger: logger, interactive: false))
        #expect(interrupted.history.count == 2)
        let resumed = try trainer(config, store, train: train).train(
            trainIndices: train, validationIndices: validation, checkpointDirectory: directory, resume: true,
            progress: ProgressReporter(title: "second half", logger: logger, interactive: false))
        #expect(resumed.history.map(\.trainLoss) == straight.history.map(\.trainLoss))
        #expect(resumed.history.map(\.validationUA) == straight.history.map(\.validationUA))
        #expect(resumed.parameters == straight.parameters)
        let saved = try Checkpoint.read(from: directory)
        #expect(saved.state.epoch == 4)
        #expect(!saved.firstMoment.isEmpty && saved.firstMoment.count == saved.secondMoment.count)
    }

    @Test func exportedModelPredictsExactlyWhatTheTrainerEvaluated() throws {
        let store = SyntheticTask.store()
        var config = SyntheticTask.config(epochs: 2)
        config.name = "synthetic-export"
        let train = Array(0..<48), validation = Array(48..<64)
        let trainer = trainer(config, store, train: train)
        let run = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let outcome = try trainer.train(trainIndices: train, validationIndices: validation,
                                        checkpointDirectory: run.appendingPathComponent("final"),
                                        progress: ProgressReporter(title: "export", logger: logger, interactive: false))
        let record = TrainingRun.Record(config: config, mean: trainer.assembler.mean, standardDeviation: trainer.assembler.standardDeviation,
                                        temperature: 1.7, provenance: ["data": .string("synthetic")], metrics: ["ua": .number(1)])
        try JSONEncoder().encode(record).write(to: run.appendingPathComponent("run.json"))
        let models = run.appendingPathComponent("Models")
        let file = try ModelExporter.export(runDirectory: run, modelsDirectory: models)
        #expect(file.path.hasSuffix("synthetic-export/1/model.safetensors"))

        let registry = ModelRegistry(directory: models.path, logger: logger)
        registry.reload()
        let model = try registry.model(named: "synthetic-export")
        #expect(model.manifest.temperature == 1.7)
        #expect(model.manifest.input.mean == trainer.assembler.mean)
        #expect(model.labels == ["low", "high"])
        let evaluator = Evaluator(network: outcome.network, config: config)
        for index in validation {
            // One scoring window (longer inputs are windowed by the evaluator, as the service does per audio window).
            let full = trainer.assembler.normalized(store.clean[index])
            let frames = min(full.columns, config.windowFrames)
            let input = Matrix(rows: full.rows, columns: frames,
                               values: (0..<full.rows).flatMap { r in full.values[(r * full.columns)..<(r * full.columns + frames)] })
            let ours = Evaluator.probabilities(try evaluator.windowLogits(input), temperature: 1.7)
            let served = try model.withSession { try $0.probabilities(forInput: input) }
            let worst = zip(ours, served).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-5, "example \(index): \(ours) vs \(served)")
        }
    }
}
