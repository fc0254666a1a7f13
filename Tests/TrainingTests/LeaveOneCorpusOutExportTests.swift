import Foundation
import Logging
import Model
import Testing
@testable import Training

/// The exported model carries the leave-one-corpus-out table of its recipe (`ser-train export --loco`),
/// and only of its recipe.
@Suite struct LeaveOneCorpusOutExportTests {
    let logger = Logger(label: "test")

    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ser-loco-export-\(UUID().uuidString)")
    }

    /// A leave-one-corpus-out run (`folds` 0, as `make loco` runs it) of `config`'s recipe into `directory`.
    private func locoRun(_ config: TrainingConfig, into directory: URL) throws -> LeaveOneCorpusOutSummary {
        var loco = config
        loco.folds = 0
        loco.version = "loco"
        return try TrainingRun(config: loco, output: directory, command: "test", logger: logger)
            .runLeaveOneCorpusOut(store: LeaveOneCorpusOutTests.store(), resume: false)
    }

    @Test func theManifestAndReportCarryTheTableOfTheSameRecipe() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = LeaveOneCorpusOutTests.config(folds: 2, epochs: 1)
        let summary = try locoRun(config, into: root.appendingPathComponent("loco"))
        let run = root.appendingPathComponent("run")
        _ = try TrainingRun(config: config, output: run, command: "test", logger: logger)
            .run(store: LeaveOneCorpusOutTests.store(), resume: false)

        let models = root.appendingPathComponent("Models")
        let file = try ModelExporter.export(runDirectory: run, modelsDirectory: models,
                                            leaveOneCorpusOut: root.appendingPathComponent("loco"))
        let manifest = try ModelFile.read(contentsOfFile: file.path).manifest
        guard case .object(let table)? = manifest.metrics["leave_one_corpus_out_summary"],
              case .array(let corpora)? = table["corpora"], case .object(let mean)? = table["mean"],
              case .object(let clean)? = mean["clean"] else {
            Issue.record("no leave_one_corpus_out_summary with corpora and mean.clean")
            return
        }
        #expect(corpora == summary.corpora.map(\.json))
        #expect(clean["ua_restricted_argmax"] == .number(summary.mean["clean"]!["ua_restricted_argmax"]!))
        // Three held-out corpora, each scanned: the model is calibrated for unseen corpora.
        let calibration = try #require(summary.unseenCorpusCalibration)
        #expect(calibration.crossFitted.map(\.corpus) == ["alpha", "beta", "gamma"])
        let record = try JSONDecoder().decode(TrainingRun.Record.self, from: Data(contentsOf: run.appendingPathComponent("run.json")))
        #expect(abs(manifest.temperature - record.temperature * calibration.factor) < 1e-9 * record.temperature)
        #expect(table["unseen_corpus_calibration"] == calibration.json)
        // The k-fold figures of the run itself are still there.
        #expect(manifest.metrics["cross_validation"] != nil && manifest.metrics["final_model"] != nil)

        let directory = file.deletingLastPathComponent()
        let report = try JSONDecoder().decode(TrainingReport.self, from: Data(contentsOf: directory.appendingPathComponent("report.json")))
        #expect(report.leaveOneCorpusOut == summary)
        #expect(report.crossValidation != nil)
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Leave one corpus out, this recipe"))
        #expect(html.contains("<td class=\"l\">gamma</td>") && html.contains("mean of 3"))
        #expect(html.contains("Calibration for unseen corpora"))
    }

    @Test func aTableOfAnotherRecipeIsRefusedNamingTheKeys() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = LeaveOneCorpusOutTests.config(folds: 0, epochs: 1)
        var other = config
        other.learningRate *= 2
        _ = try locoRun(other, into: root.appendingPathComponent("loco"))
        let run = root.appendingPathComponent("run")
        _ = try TrainingRun(config: config, output: run, command: "test", logger: logger)
            .run(store: LeaveOneCorpusOutTests.store(), resume: false)
        do {
            try ModelExporter.export(runDirectory: run, modelsDirectory: root.appendingPathComponent("Models"),
                                     leaveOneCorpusOut: root.appendingPathComponent("loco"))
            Issue.record("exported with another recipe's table")
        } catch let error as TrainingError {
            #expect("\(error)".contains("learning_rate"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("Models").path))
        // A directory without a summary is named.
        #expect(throws: TrainingError.self) {
            try ModelExporter.export(runDirectory: run, modelsDirectory: root.appendingPathComponent("Models"), leaveOneCorpusOut: run)
        }
    }

    @Test func theRecipeIgnoresWhatDoesNotChangeTheModel() throws {
        let config = LeaveOneCorpusOutTests.config(folds: 4, epochs: 3)
        var same = config
        same.name = "other"
        same.version = "9"
        same.folds = 0
        same.robustnessConditions = ["telephone"]
        same.robustnessFraction = 0.1
        same.heldOutCorpus = "gamma"
        same.featureThreads = 1
        same.blasThreads = 2
        same.prefetchBatches = 1
        #expect(try config.recipeDifferences(from: same).isEmpty)
        var different = same
        different.epochs = 4
        different.levelNormalization = LevelNormalization()
        different.features = [.logMel, .energy]
        let differences = try config.recipeDifferences(from: different)
        #expect(differences == ["epochs", "features", "level_normalization"], "\(differences)")
    }
}
