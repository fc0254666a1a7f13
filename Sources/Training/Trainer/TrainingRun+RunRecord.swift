import Foundation
import Model

/// What a finished run writes into `run.json`: its metrics and provenance.
extension TrainingRun {
    /// `run.json`'s metrics: cross-validation summaries (and per-corpus scores over each corpus's
    /// classes), the final model's validation figures, the held-out corpus, the wall time.
    func metrics(_ result: Result) -> [String: JSONValue] {
        var metrics: [String: JSONValue] = [:]
        let cv = result.crossValidation
        if !cv.foldMetrics.isEmpty {
            var summary: [String: JSONValue] = [:]
            for (key, value) in cv.summaries {
                summary[key] = .object([
                    "ua_mean": .number(value.unweightedAverageRecall.mean), "ua_std": .number(value.unweightedAverageRecall.standardDeviation),
                    "wa_mean": .number(value.accuracy.mean), "wa_std": .number(value.accuracy.standardDeviation),
                    "macro_f1_mean": .number(value.macroF1.mean), "ece_mean": .number(value.expectedCalibrationError.mean),
                    "ua_per_fold": .array(value.unweightedAverageRecall.values.map(JSONValue.number)),
                    "pooled_confusion": .array(value.pooledConfusion.map { .array($0.map { .number(Double($0)) }) }),
                ])
            }
            var perCorpus: [String: JSONValue] = [:]
            for channel in ["clean", "telephone"] {
                guard let pooled = cv.pooled[channel] else { continue }
                let split = pooled.byCorpus(labels: config.labelMap.labels, corpusClasses: result.final.trainer.corpusClasses)
                perCorpus[channel] = .object(split.mapValues(HeldOutCorpusEvaluation.json))
            }
            metrics["cross_validation"] = .object([
                "protocol": .string("\(config.folds)-fold by speaker (speakers dealt per corpus and gender); every speaker tested once by a model that never saw them; std over folds (n − 1)"),
                "summary": .object(summary),
                "per_corpus_pooled": .object(perCorpus),
            ])
        }
        let final = result.final
        metrics["final_model"] = .object([
            "validation_ua": .number(final.outcome.bestValidationUA), "best_epoch": .number(Double(final.outcome.bestEpoch)),
            "epochs_run": .number(Double(final.outcome.history.count)), "validation_speakers": .array(final.split.validation.map(JSONValue.string)),
        ])
        if let heldOut = result.heldOut { metrics["leave_one_corpus_out"] = heldOut.json }
        metrics["training_seconds"] = .number(result.seconds)
        return metrics
    }

    /// `run.json`'s provenance: data, speakers of every split, seeds, command, commit, preprocessing.
    func provenance(_ result: Result) -> [String: JSONValue] {
        let split = result.final.split
        let corpora = Set(result.data.store.utterances.map(\.corpus)).sorted()
        let trained = Set(result.data.pool.map(\.corpus)).sorted()
        var splits: [String: JSONValue] = [
            "train": .array((split.train + split.test).sorted().map(JSONValue.string)),
            "validation": .array(split.validation.map(JSONValue.string)),
            "folds": .array(result.crossValidation.splits.map { .object(["fold": .number(Double(($0.fold ?? 0) + 1)), "test": .array($0.test.map(JSONValue.string)), "validation": .array($0.validation.map(JSONValue.string))]) }),
        ]
        if let corpus = result.data.heldOutCorpus {
            splits["held_out_corpus"] = .string(corpus)
            splits["held_out_speakers"] = .array(heldOutSpeakers(result.data).map(JSONValue.string))
        }
        return [
            "data": .string(config.manifest),
            "corpora": .array(corpora.map(JSONValue.string)),
            "files": .number(Double(result.data.store.utterances.count)),
            "split": .object(splits),
            "seed": .number(Double(config.seed)),
            "split_seed": .number(Double(config.effectiveSplitSeed)),
            "date": .string(ISO8601DateFormatter().string(from: Date())),
            "command": .string(command),
            "git_commit": gitCommit().map(JSONValue.string) ?? .null,
            "preprocessing": .string("leading/trailing silence more than \(config.trimSilenceDecibels) dB below the loudest 10 ms frame trimmed (0.15 s margin), white dither at \(config.ditherDecibels.map { "\($0)" } ?? "no") dBFS (RAVDESS carries digital silence)"),
            "augmentation": .string("\(config.copyProbability > 0 && !config.audioCopies.isEmpty ? "precomputed waveform copies (\(config.audioCopies.map(\.description).joined(separator: ", "))) used with p=\(config.copyProbability), " : "")telephone channel (8 kHz, 300-3400 Hz band-pass, G.711 mu-law, back to 16 kHz) with p=\(config.telephoneProbability), random crop/tiling to \(config.cropSeconds) s, gain ±\(config.gainDecibels) dB, SpecAugment \(config.timeMasks)×≤\(config.maximumTimeMaskFrames) frames, \(config.frequencyMasks)×≤\(config.maximumFrequencyMaskBands) mel bands"),
            "licence": .string(Self.licence(trainedOn: trained)),
        ]
    }

    /// The terms a model trained on `corpora` inherits.
    static func licence(trainedOn corpora: [String]) -> String {
        let known = ["ravdess": "RAVDESS (CC BY-NC-SA 4.0)", "emodb": "EMO-DB (research use)", "tess": "TESS (CC BY-NC-ND 4.0)",
                     "nemo": "nEMO (CC BY-NC-SA 4.0)", "cremad": "CREMA-D (ODbL)", "savee": "SAVEE (research use)"]
        let names = corpora.map { known[$0] ?? "\($0) (see its licence)" }.joined(separator: ", ")
        return corpora.contains(where: { known[$0] != nil && $0 != "cremad" })
            ? "trained on \(names): non-commercial research use only" : "trained on \(names)"
    }

    /// Speakers of the held-out corpus, sorted.
    func heldOutSpeakers(_ data: RunData) -> [String] {
        data.heldOutIndices.map { data.store.utterances[$0] }.speakers
    }
}
