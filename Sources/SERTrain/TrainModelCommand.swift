import ArgumentParser
import Foundation
import Logging
import Training

/// `ser-train train --config FILE [--output DIR] [--resume]`.
struct TrainModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model: k-fold cross-validation by speaker, then the final model (see `ser-train export`).",
        discussion: """
            The configuration (JSON, or YAML with the same keys) lists only what
            differs from the defaults; --print-default-config shows every key with
            its default. Writes <output>/run.json, <output>/report.json + .html and
            resumable checkpoints <output>/fold-N/ and <output>/final/.

            Keys (defaults in --print-default-config):
            \(ConfigDocumentation.text)

            Example:
              ser-train train --config scripts/training/train-default.json --output .build/train-run
              ser-train export --run .build/train-run --models Models
              ser-train train --config loco.json --loco --output .build/loco
            """)

    @Option(help: "Training configuration, .json or .yaml/.yml.")
    var config: String?

    @Option(help: "Directory for checkpoints, run.json and report.json.")
    var output: String = ".build/train-run"

    @Flag(help: "Continue from the checkpoints in --output (identical to an uninterrupted run).")
    var resume = false

    @Flag(help: "Leave one corpus out: for each corpus of the manifest in turn, train on the others and evaluate on it (<output>/loco-<corpus>/, summary in <output>/loco-summary.json). Overrides held_out_corpus.")
    var loco = false

    @Option(help: "With --loco: only these held-out corpora, comma-separated (e.g. nemo,tess), to split the runs across sessions.")
    var locoCorpora: String?

    @Option(help: "Override the configuration's folds (0: the final model only, e.g. for --loco).")
    var folds: Int?

    @Flag(help: "Print the default configuration as JSON and exit.")
    var printDefaultConfig = false

    func run() throws {
        if printDefaultConfig {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(TrainingConfig()), as: UTF8.self))
            return
        }
        var trainingConfig = try config.map { try TrainingConfig.load(contentsOfFile: $0) } ?? TrainingConfig()
        if let folds { trainingConfig.folds = folds }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "ser-train")
        let command = CommandLine.arguments.joined(separator: " ")
        let run = TrainingRun(config: trainingConfig, output: URL(fileURLWithPath: output), command: command, logger: logger)
        if loco {
            let corpora = locoCorpora.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }
            let summary = try run.runLeaveOneCorpusOut(resume: resume, corpora: corpora)
            print(summary.table.joined(separator: "\n"))
        } else {
            _ = try run.run(resume: resume)
        }
    }
}

/// `ser-train export --run DIR --models DIR`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a finished run's final model to <models>/<name>/<version>/model.safetensors with its manifest and report.")

    @Option(name: .customLong("run"), help: "The --output directory of `ser-train train`.")
    var runDirectory: String = ".build/train-run"

    @Option(help: "The models directory of the registry.")
    var models: String = "Models"

    @Option(help: "The --output directory of `ser-train train --loco` with the same recipe: its table goes into the manifest and report.")
    var loco: String?

    func run() throws {
        let file = try ModelExporter.export(runDirectory: URL(fileURLWithPath: runDirectory), modelsDirectory: URL(fileURLWithPath: models),
                                            leaveOneCorpusOut: loco.map { URL(fileURLWithPath: $0) })
        print("wrote \(file.path)")
    }
}
