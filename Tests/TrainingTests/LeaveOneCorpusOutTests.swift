import Foundation
import LinearAlgebra
import Logging
import Model
import NeuralNet
import Testing
@testable import Training

/// Leave one corpus out end to end on three synthetic corpora, and the trainer's class masks.
@Suite struct LeaveOneCorpusOutTests {
    let logger = Logger(label: "test")

    /// Three corpora × 4 speakers × 6 files, labels `low, high, mid` (a raised band in rows 1–2, 5–6 or
    /// 3–4). `gamma` has no `mid` and sits 25 dB above the others, so any of its frames in the training
    /// statistics would show in the normalisation mean.
    static func store() -> FeatureStore {
        var random = SeededGenerator(seed: 5)
        var utterances: [Utterance] = [], clean: [Matrix] = [], telephone: [Matrix] = []
        for corpus in ["alpha", "beta", "gamma"] {
            let labels = corpus == "gamma" ? ["low", "high"] : ["low", "high", "mid"]
            for i in 0..<24 {
                let label = labels[i % labels.count]
                utterances.append(Utterance(path: "\(corpus)/\(i).wav", corpus: corpus, originalLabel: label, mappedLabel: label,
                                            speaker: "\(corpus)_\(i % 4)"))
                let band = ["low": 1, "high": 5, "mid": 3][label]!
                let frames = 25 + random.uniform(below: 20)
                func make(noise: Float) -> Matrix {
                    var m = Matrix(rows: 8, columns: frames)
                    for r in 0..<8 {
                        for t in 0..<frames {
                            m[r, t] = -40 + (corpus == "gamma" ? 25 : 0) + (r == band || r == band + 1 ? 12 : 0) + noise * Float(random.gaussian())
                        }
                    }
                    return m
                }
                clean.append(make(noise: 3))
                telephone.append(make(noise: 5))
            }
        }
        return FeatureStore(utterances: utterances, clean: clean, telephone: telephone)
    }

    static func config(folds: Int, epochs: Int) -> TrainingConfig {
        var config = SyntheticTask.config(epochs: epochs)
        config.name = "synthetic-loco"
        config.labelMap = LabelMap(labels: ["low", "high", "mid"])
        config.layers[config.layers.count - 1] = .dense(DenseSpec(outFeatures: 3))
        config.folds = folds
        config.validationFraction = 0.25
        config.manifest = "synthetic"
        return config
    }

    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ser-loco-test-\(UUID().uuidString)")
    }

    @Test func heldOutCorpusNeverTrainsAndIsReportedOverItsClasses() throws {
        var config = Self.config(folds: 2, epochs: 3)
        config.heldOutCorpus = "gamma"
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let record = try TrainingRun(config: config, output: output, command: "test", logger: logger)
            .run(store: Self.store(), resume: false)

        // No gamma speaker in any fold, validation group or the final model's training set.
        guard case .object(let split)? = record.provenance["split"] else { Issue.record("no split"); return }
        var trained: [String] = []
        for key in ["train", "validation"] { if case .array(let a)? = split[key] { trained += a.compactMap(\.stringValue) } }
        if case .array(let folds)? = split["folds"] {
            #expect(folds.count == 2)
            for case .object(let fold) in folds {
                for key in ["test", "validation"] { if case .array(let a)? = fold[key] { trained += a.compactMap(\.stringValue) } }
            }
        }
        #expect(Set(trained) == Set((0..<4).flatMap { ["alpha_\($0)", "beta_\($0)"] }))
        // The normalisation statistics saw none of gamma's frames (25 dB louder).
        #expect(record.mean.allSatisfy { $0 < -33 }, "mean \(record.mean)")

        // The held-out figures: gamma's two classes, full and restricted argmax, every file scored.
        guard case .object(let loco)? = record.metrics["leave_one_corpus_out"],
              case .object(let clean)? = loco["clean"] else { Issue.record("no leave_one_corpus_out.clean"); return }
        #expect(loco["corpus"] == .string("gamma") && loco["classes"] == .array([.string("low"), .string("high")]))
        #expect(loco["trained_on"] == .array([.string("alpha"), .string("beta")]))
        for key in ["ua_full_argmax", "ua_restricted_argmax", "wa_full_argmax", "wa_restricted_argmax", "ece_full_argmax",
                    "ece_restricted_argmax"] {
            guard case .number(let value)? = clean[key] else { Issue.record("no \(key)"); continue }
            #expect((0...1).contains(value), "\(key) \(value)")
        }
        #expect(loco["telephone"] != nil)

        let report = try JSONDecoder().decode(TrainingReport.self, from: Data(contentsOf: output.appendingPathComponent("report.json")))
        let heldOut = try #require(report.heldOutCorpus)
        #expect(heldOut.utterances == 24 && heldOut.speakers == 4)
        #expect(heldOut.clean.restrictedArgmax.confusion.flatMap { $0 }.reduce(0, +) == 24)
        #expect(heldOut.clean.restrictedArgmax.labels == ["low", "high"])
        #expect(report.sections.first?.name.contains("held-out corpus gamma") == true)
        // The k-fold over alpha and beta (every class each): no own-class sections for them.
        #expect(report.sections.contains { $0.name == "k-fold test speakers, clean/alpha (pooled over folds)" })
        #expect(!report.sections.contains { $0.name.hasPrefix("k-fold") && $0.name.hasSuffix("argmax over its classes") })
        #expect(report.splits.last?.test == ["gamma_0", "gamma_1", "gamma_2", "gamma_3"])
        let html = try String(contentsOf: output.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Leave one corpus out: gamma"))
    }

    @Test func kFoldReportsACorpusThatLacksAClassOverItsOwnClasses() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let record = try TrainingRun(config: Self.config(folds: 2, epochs: 1), output: output, command: "test", logger: logger)
            .run(store: Self.store(), resume: false)
        let report = try JSONDecoder().decode(TrainingReport.self, from: Data(contentsOf: output.appendingPathComponent("report.json")))
        let own = report.sections.filter { $0.name.hasSuffix("argmax over its classes") }
        #expect(own.map(\.name) == ["k-fold test speakers, clean/gamma, argmax over its classes",
                                     "k-fold test speakers, telephone/gamma, argmax over its classes"])
        #expect(own.allSatisfy { $0.metrics.labels == ["low", "high"] && $0.metrics.count == 24 })
        guard case .object(let cv)? = record.metrics["cross_validation"], case .object(let perCorpus)? = cv["per_corpus_pooled"],
              case .object(let clean)? = perCorpus["clean"], case .object(let gamma)? = clean["gamma"] else {
            Issue.record("no cross_validation.per_corpus_pooled.clean.gamma")
            return
        }
        #expect(gamma["ua_restricted_argmax"] != nil && clean["alpha"] != nil && clean["beta"] != nil)
        #expect(record.metrics["leave_one_corpus_out"] == nil)
    }

    @Test func locoModeRunsEveryCorpusAndAveragesThem() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let summary = try TrainingRun(config: Self.config(folds: 0, epochs: 1), output: output, command: "test", logger: logger)
            .runLeaveOneCorpusOut(store: Self.store(), resume: false)
        #expect(summary.corpora.map(\.corpus) == ["alpha", "beta", "gamma"])
        #expect(summary.corpora.map(\.trainedOn) == [["beta", "gamma"], ["alpha", "gamma"], ["alpha", "beta"]])
        #expect(summary.corpora.map(\.clean.classes) == [["low", "high", "mid"], ["low", "high", "mid"], ["low", "high"]])
        let uas = summary.corpora.map(\.clean.restrictedArgmax.unweightedAverageRecall)
        #expect(abs((summary.mean["clean"]?["ua_restricted_argmax"] ?? -1) - uas.reduce(0, +) / 3) < 1e-12)
        let eces = summary.corpora.map(\.clean.restrictedArgmax.expectedCalibrationError)
        #expect(abs((summary.mean["clean"]?["ece_restricted_argmax"] ?? -1) - eces.reduce(0, +) / 3) < 1e-12)
        for corpus in ["alpha", "beta", "gamma"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("loco-\(corpus)/run.json").path))
        }
        let saved = try JSONDecoder().decode(LeaveOneCorpusOutSummary.self,
                                             from: Data(contentsOf: output.appendingPathComponent("loco-summary.json")))
        #expect(saved == summary)
        // A chosen subset of held-out corpora only.
        let subsetOutput = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: subsetOutput) }
        let subset = try TrainingRun(config: Self.config(folds: 0, epochs: 1), output: subsetOutput, command: "test", logger: logger)
            .runLeaveOneCorpusOut(store: Self.store(), resume: false, corpora: ["beta"])
        #expect(subset.corpora.map(\.corpus) == ["beta"] && subset.corpora[0] == summary.corpora[1])
    }

    /// Two utterances of a corpus with classes a, b scored by a three-label model (15 bins). Full argmax:
    /// a right at 0.6, c wrong at 0.4, ECE ½·0.4 + ½·0.4 = 0.4. Restricted: (0.75, 0.25) right at 0.75,
    /// (0.5, 0.5) tie to a, wrong at 0.5, ECE ½·0.25 + ½·0.5 = 0.375.
    @Test func heldOutFiguresCarryTheCalibrationErrorOfBothArgmaxReadings() {
        let metrics = SubsetMetrics(labels: ["a", "b", "c"], classes: [0, 1], truth: [0, 1],
                                    probabilities: [[0.6, 0.2, 0.2], [0.3, 0.3, 0.4]])
        #expect(abs(metrics.fullArgmax.expectedCalibrationError - 0.4) < 1e-6)
        #expect(abs(metrics.restrictedArgmax.expectedCalibrationError - 0.375) < 1e-6)
        guard case .object(let json) = HeldOutCorpusEvaluation.json(metrics),
              case .number(let full)? = json["ece_full_argmax"], case .number(let restricted)? = json["ece_restricted_argmax"] else {
            Issue.record("no ece_full_argmax / ece_restricted_argmax")
            return
        }
        #expect(abs(full - 0.4) < 1e-6 && abs(restricted - 0.375) < 1e-6)
        let summary = LeaveOneCorpusOutSummary([HeldOutCorpusEvaluation(corpus: "x", trainedOn: ["y"], utterances: 2, speakers: 1,
                                                                         temperature: 1, clean: metrics, telephone: nil)])
        #expect(abs((summary.mean["clean"]?["ece_restricted_argmax"] ?? -1) - 0.375) < 1e-6)
        #expect(summary.table.last?.hasSuffix("0.375") == true)
    }

    @Test func aHeldOutCorpusNotInTheDataIsAnError() {
        var config = Self.config(folds: 0, epochs: 1)
        config.heldOutCorpus = "delta"
        #expect(throws: TrainingError.self) {
            try TrainingRun(config: config, output: temporaryDirectory(), command: "test", logger: logger).run(store: Self.store(), resume: false)
        }
    }

    @Test func corpusMeanValidationUAWeighsEveryCorpusTheSame() throws {
        let store = Self.store()
        var config = Self.config(folds: 0, epochs: 1)
        config.validationUA = .corpusMean
        let (mean, std) = store.normalization(indices: Array(store.utterances.indices), includeTelephone: true)
        let trainer = Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: logger)
        let network = try trainer.makeSession(trainIndices: Array(0..<48)).model.network()
        // 20 alpha files against 4 beta files (both corpora have every class, so own-class UA = UA).
        let alpha = Array(0..<20), beta = Array(24..<28)
        let both = try trainer.validationScores(network: network, validation: trainer.validationSet(alpha + beta))
        let alone = try [alpha, beta].map { try trainer.validationScores(network: network, validation: trainer.validationSet($0)).metrics }
        #expect(abs(both.ua - (alone[0].unweightedAverageRecall + alone[1].unweightedAverageRecall) / 2) < 1e-12)
        #expect(both.metrics.count == 48)
        // The untrained network scores the corpora differently, so the two readings differ here.
        #expect(alone[0].unweightedAverageRecall != alone[1].unweightedAverageRecall && both.ua != both.metrics.unweightedAverageRecall)
        var pooled = config
        pooled.validationUA = .pooled
        let plain = Trainer(config: pooled, store: store, mean: mean, standardDeviation: std, logger: logger)
        #expect(try plain.validationScores(network: network, validation: plain.validationSet(alpha + beta)).ua
            == both.metrics.unweightedAverageRecall)
    }

    @Test func theTrainerMasksTheClassesAnExamplesCorpusLacks() {
        let store = Self.store()
        let config = Self.config(folds: 0, epochs: 1)
        let (mean, std) = store.normalization(indices: Array(store.utterances.indices), includeTelephone: true)
        let trainer = Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: logger)
        #expect(trainer.corpusClasses.classes == ["alpha": [0, 1, 2], "beta": [0, 1, 2], "gamma": [0, 1]])
        // Store indices 0 (alpha) and 48 (gamma).
        #expect(trainer.presentClasses([0, 48]) == [[true, true, true], [true, true, false]])
        var off = config
        off.maskMissingClasses = false
        #expect(Trainer(config: off, store: store, mean: mean, standardDeviation: std, logger: logger).presentClasses([0, 48]) == nil)
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }
}
