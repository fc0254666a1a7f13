import Logging
import Foundation

/// What the k-fold cross-validation of a run produced.
struct CrossValidationOutcome {
    var splits: [SpeakerSplit] = []
    /// Per fold: evaluation set (`clean`, `telephone`, `clean/<corpus>`, ...) → metrics on its test speakers.
    var foldMetrics: [[String: ClassificationMetrics]] = []
    var histories: [TrainingHistory] = []
    var temperatures: [Double] = []
    /// Per evaluation set, the test predictions pooled over folds (every pool speaker once).
    var pooled: [String: ScoredSet] = [:]

    /// Mean ± std over folds of every evaluation set all folds have.
    var summaries: [String: CrossValidationSummary] {
        var summaries: [String: CrossValidationSummary] = [:]
        for key in Set(foldMetrics.flatMap(\.keys)) {
            let perFold = foldMetrics.compactMap { $0[key] }
            if perFold.count == foldMetrics.count { summaries[key] = CrossValidationSummary(perFold) }
        }
        return summaries
    }
}

/// The final model: trained on every pool speaker but a stratified validation group.
struct FinalModel {
    let split: SpeakerSplit
    let trainer: Trainer
    let outcome: Trainer.Outcome
}

extension TrainingRun {
    /// K-fold cross-validation by speaker over the pool (`folds` < 2: none).
    func crossValidate(_ data: RunData, resume: Bool) throws -> CrossValidationOutcome {
        var result = CrossValidationOutcome()
        guard config.folds >= 2 else { return result }
        let labels = config.labelMap.labels
        for split in SpeakerSplit.kFold(data.pool, folds: config.folds, seed: config.effectiveSplitSeed,
                                        validationFraction: config.validationFraction) {
            let fold = split.fold ?? result.splits.count
            let trainer = makeTrainer(data.store, train: data.indices(split.train))
            let outcome = try trainer.train(
                trainIndices: data.indices(split.train), validationIndices: data.indices(split.validation),
                checkpointDirectory: output.appendingPathComponent("fold-\(fold + 1)"), resume: resume,
                progress: ProgressReporter(title: "fold \(fold + 1)/\(config.folds)", logger: logger))
            var sets = Self.withCorpusSets(try score(data.indices(split.test), store: data.store, trainer: trainer, outcome: outcome))
            sets.merge(try robustnessSets(data.indices(split.test), store: data.store, trainer: trainer, outcome: outcome)) { $1 }
            for (key, set) in sets { result.pooled[key, default: ScoredSet()].append(contentsOf: set) }
            let metrics = sets.mapValues { $0.metrics(labels: labels) }
            result.foldMetrics.append(metrics)
            result.splits.append(split)
            result.histories.append(TrainingHistory(name: "fold \(fold + 1)", epochs: outcome.history))
            result.temperatures.append(outcome.temperature)
            let perCorpus = metrics.keys.sorted().filter { $0.contains("/") && !$0.hasPrefix("robustness/") }
                .map { "\($0) \(percent(metrics[$0]?.unweightedAverageRecall))" }.joined(separator: ", ")
            logger.info("fold \(fold + 1): test UA clean \(percent(metrics["clean"]?.unweightedAverageRecall)), telephone \(percent(metrics["telephone"]?.unweightedAverageRecall)); \(perCorpus)")
        }
        return result
    }

    /// The final model on the pool: every speaker trains except a stratified validation group, which
    /// early-stops it and fits its temperature.
    func trainFinal(_ data: RunData, resume: Bool) throws -> FinalModel {
        let split = SpeakerSplit.stratified(data.pool, seed: config.effectiveSplitSeed, validationFraction: config.validationFraction,
                                            testFraction: 0)
        let train = data.indices(split.train + split.test), validation = data.indices(split.validation)
        let trainer = makeTrainer(data.store, train: train)
        let outcome = try trainer.train(trainIndices: train, validationIndices: validation,
                                        checkpointDirectory: output.appendingPathComponent("final"), resume: resume,
                                        progress: ProgressReporter(title: "final", logger: logger))
        return FinalModel(split: split, trainer: trainer, outcome: outcome)
    }

    /// The held-out corpus scored by the final model over the classes the corpus has.
    func evaluateHeldOut(_ corpus: String, data: RunData, model: FinalModel) throws -> HeldOutCorpusEvaluation {
        let channels = try score(data.heldOutIndices, store: data.store, trainer: model.trainer, outcome: model.outcome)
        let labels = config.labelMap.labels
        let classes = model.trainer.corpusClasses.indices(of: corpus)
        func metrics(_ set: ScoredSet) -> SubsetMetrics {
            SubsetMetrics(labels: labels, classes: classes, truth: set.truth, probabilities: set.probabilities)
        }
        let heldOut = data.heldOutIndices.map { data.store.utterances[$0] }
        let clean = channels["clean"] ?? ScoredSet()
        return HeldOutCorpusEvaluation(
            corpus: corpus, trainedOn: Set(data.pool.map(\.corpus)).sorted(), utterances: heldOut.count,
            speakers: heldOut.speakers.count, temperature: model.outcome.temperature,
            clean: metrics(clean), telephone: channels["telephone"].map(metrics),
            temperatureScan: clean.truth.isEmpty ? nil
                : TemperatureScan(labels: labels, classes: classes, truth: clean.truth, probabilities: clean.probabilities))
    }

    /// A trainer whose normalisation statistics come from `train` (indices into `store`) only.
    func makeTrainer(_ store: FeatureStore, train: [Int]) -> Trainer {
        let (mean, std) = store.normalization(indices: train, includeTelephone: config.telephoneProbability > 0)
        return Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: logger)
    }

    /// Clip probabilities of the utterances at `indices` by the inference network of `outcome` at its
    /// temperature, scored as the service scores audio (`Evaluator`): `clean`, and `telephone` when cached.
    func score(_ indices: [Int], store: FeatureStore, trainer: Trainer, outcome: Trainer.Outcome) throws -> [String: ScoredSet] {
        let evaluator = Evaluator(network: outcome.network, config: config)
        var sets: [String: ScoredSet] = [:]
        for (channel, matrices) in [("clean", store.clean), ("telephone", store.telephone)] where !matrices.isEmpty {
            var set = ScoredSet()
            for index in indices {
                let probabilities = Evaluator.probabilities(
                    try evaluator.windowLogits(trainer.assembler.normalized(matrices[index])), temperature: outcome.temperature)
                set.append(truth: store.utterances[index].labelIndex(in: config.labelMap), probabilities: probabilities,
                           corpus: store.utterances[index].corpus)
            }
            sets[channel] = set
        }
        return sets
    }

    /// The channel sets plus one `<channel>/<corpus>` set per corpus in them.
    static func withCorpusSets(_ channels: [String: ScoredSet]) -> [String: ScoredSet] {
        var sets = channels
        for (channel, set) in channels {
            for (i, corpus) in set.corpora.enumerated() {
                sets["\(channel)/\(corpus)", default: ScoredSet()].append(truth: set.truth[i], probabilities: set.probabilities[i],
                                                                          corpus: corpus)
            }
        }
        return sets
    }
}
