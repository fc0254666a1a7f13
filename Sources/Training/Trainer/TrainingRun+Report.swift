import Features
import Foundation

/// The run's `TrainingReport` (written as report.json + report.html) and its log notes.
extension TrainingRun {
    func report(_ result: Result) -> TrainingReport {
        let labels = config.labelMap.labels
        var sections: [TrainingReport.Section] = []
        if let heldOut = result.heldOut {
            for (channel, metrics) in heldOut.channels {
                sections.append(.init(name: "held-out corpus \(heldOut.corpus), \(channel), argmax over its classes", metrics: metrics.restrictedArgmax))
                sections.append(.init(name: "held-out corpus \(heldOut.corpus), \(channel), full argmax", metrics: metrics.fullArgmax))
            }
        }
        let pooled = result.crossValidation.pooled
        for key in ["clean", "telephone"] + pooled.keys.filter({ $0.contains("/") }).sorted() {
            guard let set = pooled[key] else { continue }
            sections.append(.init(name: "k-fold test speakers, \(key) (pooled over folds)", metrics: set.metrics(labels: labels)))
        }
        sections += ownClassSections(result)
        let final = result.final
        var finalSplit = final.split
        if result.data.heldOutCorpus != nil {
            // Shown as the final model's test part: the held-out corpus's speakers (the split drew none).
            finalSplit = SpeakerSplit(seed: finalSplit.seed, train: finalSplit.train + finalSplit.test,
                                      validation: finalSplit.validation, test: heldOutSpeakers(result.data))
        }
        let title = result.data.heldOutCorpus.map { "\(config.name) \(config.version): leave one corpus out (\($0) held out)" }
            ?? "\(config.name) \(config.version): training and speaker-independent cross-validation"
        return TrainingReport(
            title: title, command: CommandLine.arguments, seed: config.seed,
            model: TrainingReport.ModelSummary(name: config.name, version: config.version, source: output.path, labels: labels,
                                               sampleRate: config.featureConfig.sampleRate, temperature: final.outcome.temperature),
            data: TrainingReport.DataSummary(sources: [config.manifest], utterances: result.data.store.utterances),
            splits: result.crossValidation.splits + [finalSplit], sections: sections,
            crossValidation: result.crossValidation.summaries["clean"], fittedTemperature: final.outcome.temperature,
            histories: result.crossValidation.histories + [TrainingHistory(name: "final", epochs: final.outcome.history)],
            notes: notes(result), heldOutCorpus: result.heldOut)
    }

    /// The k-fold pooled predictions of each corpus that lacks some classes, with the argmax over its own.
    func ownClassSections(_ result: Result) -> [TrainingReport.Section] {
        var sections: [TrainingReport.Section] = []
        for channel in ["clean", "telephone"] {
            guard let pooled = result.crossValidation.pooled[channel] else { continue }
            let byCorpus = pooled.byCorpus(labels: config.labelMap.labels, corpusClasses: result.final.trainer.corpusClasses)
            for corpus in byCorpus.keys.sorted() {
                guard let subset = byCorpus[corpus], subset.classes.count < config.labelMap.labels.count else { continue }
                sections.append(.init(name: "k-fold test speakers, \(channel)/\(corpus), argmax over its classes",
                                      metrics: subset.restrictedArgmax))
            }
        }
        return sections
    }

    /// One line per cross-validation set, the final model and the held-out corpus.
    func notes(_ result: Result) -> [String] {
        let summaries = result.crossValidation.summaries
        var notes = summaries.keys.sorted().map { key in
            let s = summaries[key]!
            return "\(key): UA \(percent(s.unweightedAverageRecall.mean)) ± \(percent(s.unweightedAverageRecall.standardDeviation)), WA \(percent(s.accuracy.mean)) ± \(percent(s.accuracy.standardDeviation)) over \(s.folds) folds"
        }
        let final = result.final.outcome
        notes.append("final model: validation UA \(percent(final.bestValidationUA)) at epoch \(final.bestEpoch), temperature \(String(format: "%.3f", final.temperature)); fold temperatures \(result.crossValidation.temperatures.map { String(format: "%.2f", $0) })")
        if let heldOut = result.heldOut {
            for (channel, m) in heldOut.channels {
                notes.append("held-out \(heldOut.corpus) (\(heldOut.utterances) files, \(heldOut.speakers) speakers, classes \(m.classes.joined(separator: " "))), \(channel): UA \(percent(m.unweightedAverageRecall)) full argmax, \(percent(m.restrictedArgmax.unweightedAverageRecall)) argmax over its classes; WA \(percent(m.accuracy)) / \(percent(m.restrictedArgmax.accuracy)); trained on \(heldOut.trainedOn.joined(separator: ", "))")
            }
        }
        notes.append("wall time \(ProgressReporter.clock(result.seconds)) (\(config.folds) folds, final model\(result.heldOut == nil ? "" : ", held-out corpus"); feature cache not included)")
        return notes
    }
}
