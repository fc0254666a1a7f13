import Logging
import Foundation

/// Leave one corpus out over every corpus in turn (`ser-train train --loco`).
extension TrainingRun {
    /// Computes the features once, then runs `runLeaveOneCorpusOut(store:resume:corpora:)`.
    public func runLeaveOneCorpusOut(resume: Bool, corpora: [String]? = nil) throws -> LeaveOneCorpusOutSummary {
        try config.validate()
        return try runLeaveOneCorpusOut(store: try loadFeatures(), resume: resume, corpora: corpora)
    }

    /// One run per corpus (`corpora`, default every corpus in the store) with that corpus held out, in
    /// `<output>/loco-<corpus>/` (run.json, report, checkpoints: each resumable on its own); then
    /// `<output>/loco-summary.json`: every held-out corpus's figures and their mean over corpora.
    public func runLeaveOneCorpusOut(store: FeatureStore, resume: Bool, corpora: [String]? = nil) throws -> LeaveOneCorpusOutSummary {
        let present = Set(store.utterances.map(\.corpus)).sorted()
        let chosen = corpora ?? present
        guard present.count >= 2 else {
            throw TrainingError.invalidConfiguration("leave one corpus out needs at least two corpora (the data has \(present))")
        }
        var evaluations: [HeldOutCorpusEvaluation] = []
        for corpus in chosen {
            var config = self.config
            config.heldOutCorpus = corpus
            let run = TrainingRun(config: config, output: output.appendingPathComponent("loco-\(corpus)"), command: command, logger: logger)
            if let evaluation = try run.execute(store: store, resume: resume).result.heldOut { evaluations.append(evaluation) }
        }
        let summary = LeaveOneCorpusOutSummary(evaluations)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try encoder.encode(summary).write(to: output.appendingPathComponent("loco-summary.json"), options: .atomic)
        for line in summary.table { logger.info("\(line)") }
        return summary
    }
}

extension LeaveOneCorpusOutSummary {
    /// Plain-text lines: per held-out corpus and channel, UA and WA full / restricted argmax and the
    /// restricted argmax's ECE (at the temperature fitted on the training corpora); then the means.
    public var table: [String] {
        func percent(_ value: Double?) -> String { value.map { String(format: "%5.1f%%", $0 * 100) } ?? "    —" }
        func ece(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "    —" }
        var lines = ["held out   channel    UA full  UA own classes  WA full  WA own classes  ECE own classes"]
        for evaluation in corpora {
            for (channel, m) in evaluation.channels {
                lines.append("\(evaluation.corpus.padding(toLength: 10, withPad: " ", startingAt: 0)) \(channel.padding(toLength: 10, withPad: " ", startingAt: 0)) \(percent(m.unweightedAverageRecall))  \(percent(m.restrictedArgmax.unweightedAverageRecall))         \(percent(m.accuracy))  \(percent(m.restrictedArgmax.accuracy))          \(ece(m.restrictedArgmax.expectedCalibrationError))")
            }
        }
        for channel in ["clean", "telephone"] {
            guard let m = mean[channel] else { continue }
            lines.append("\("mean (\(corpora.count))".padding(toLength: 10, withPad: " ", startingAt: 0)) \(channel.padding(toLength: 10, withPad: " ", startingAt: 0)) \(percent(m["ua_full_argmax"]))  \(percent(m["ua_restricted_argmax"]))         \(percent(m["wa_full_argmax"]))  \(percent(m["wa_restricted_argmax"]))          \(ece(m["ece_restricted_argmax"]))")
        }
        if let calibration = unseenCorpusCalibration {
            let rows = calibration.crossFitted.map { "\($0.corpus) " + String(format: "×%.2f %.3f→%.3f", $0.factor, $0.expectedCalibrationErrorBefore, $0.expectedCalibrationError) }
            lines.append(String(format: "unseen-corpus temperature factor %.2f; ECE own classes, clean, at the factor chosen on the other corpora: mean %.3f→%.3f (", calibration.factor,
                                calibration.meanExpectedCalibrationErrorBefore, calibration.meanExpectedCalibrationError) + rows.joined(separator: ", ") + ")")
        }
        return lines
    }
}
