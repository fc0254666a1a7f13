import Features
import Foundation
import LinearAlgebra
import Logging
import Model
import Synchronization

/// The robustness table: each fold's model scored on (a share of) its own test speakers' files under
/// every `robustness_conditions` degradation, so every figure is on speakers the model never heard.
extension TrainingRun {
    /// The recording clean-up the feature cache applies (trim, dither), if any.
    var recordingCleanup: RecordingCleanup? {
        config.trimSilenceDecibels > 0 || config.ditherDecibels != nil
            ? RecordingCleanup(trimDecibels: config.trimSilenceDecibels, ditherDecibels: config.ditherDecibels) : nil
    }

    /// The files of `testIndices` the robustness table scores: every k-th, k = round(1 / robustness_fraction).
    func robustnessFiles(_ testIndices: [Int]) -> [Int] {
        let step = max(1, Int((1 / config.robustnessFraction).rounded()))
        return stride(from: 0, to: testIndices.count, by: step).map { testIndices[$0] }
    }

    /// `robustness/clean` (the chosen files from the cache, the reference for the drops) and one
    /// `robustness/<condition>` set per condition: each file decoded, cleaned up as for the cache,
    /// degraded, assembled and scored by the fold's model at its temperature, on `featureThreads` workers.
    func robustnessSets(_ testIndices: [Int], store: FeatureStore, trainer: Trainer, outcome: Trainer.Outcome) throws -> [String: ScoredSet] {
        let conditions = try config.robustnessConditions.map { try RobustnessCondition($0) }
        guard !conditions.isEmpty else { return [:] }
        let chosen = robustnessFiles(testIndices)
        let labelMap = config.labelMap, rate = config.featureConfig.sampleRate, featureConfig = config.featureConfig
        let cleanup = recordingCleanup
        let utterances = store.utterances
        @Sendable func load(_ index: Int) throws -> [Float] {
            let samples = try FeatureStore.loadSamples(utterances[index].path, sampleRate: rate)
            return cleanup?.apply(samples, sampleRate: rate, seed: UInt64(index)) ?? samples
        }
        // Babble talkers: up to 32 of the chosen files, spread over them (a clip never babbles over itself).
        let sources = stride(from: 0, to: chosen.count, by: max(1, chosen.count / 32)).map { chosen[$0] }
        let pool = try sources.map { (speaker: utterances[$0].speaker, samples: try load($0)) }
        var spec = config.inputSpec
        spec.mean = []
        spec.standardDeviation = []
        let unnormalized = spec
        let (network, assembler, temperature, windowConfig) = (outcome.network, trainer.assembler, outcome.temperature, config)

        var sets: [String: ScoredSet] = [:]
        let evaluator = Evaluator(network: network, config: windowConfig)
        var clean = ScoredSet()
        for index in chosen {
            clean.append(truth: utterances[index].labelIndex(in: labelMap),
                         probabilities: Evaluator.probabilities(try evaluator.windowLogits(assembler.normalized(store.clean[index])),
                                                                temperature: temperature),
                         corpus: utterances[index].corpus)
        }
        sets["robustness/clean"] = clean
        let workers = max(1, config.featureThreads)
        for condition in conditions {
            let start = ContinuousClock.now
            let results = Mutex<[Int: [Float]]>([:])
            let failure = Mutex<(any Error)?>(nil)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                do {
                    let extractor = try FeatureExtractor(config: featureConfig, fftPlanning: .estimate)
                    let evaluator = Evaluator(network: network, config: windowConfig)
                    for i in stride(from: worker, to: chosen.count, by: workers) {
                        if failure.withLock({ $0 != nil }) { return }
                        let index = chosen[i]
                        let others = pool.filter { $0.speaker != utterances[index].speaker }.map(\.samples)
                        let audio = try condition.apply(try load(index), sampleRate: rate, seed: UInt64(index), babblePool: others)
                        let input = InputAssembler.assemble(audio, extractor: extractor, spec: unnormalized, normalize: false)
                        let probabilities = Evaluator.probabilities(try evaluator.windowLogits(assembler.normalized(input)),
                                                                    temperature: temperature)
                        results.withLock { $0[index] = probabilities }
                    }
                } catch {
                    failure.withLock { $0 = error }
                }
            }
            if let error = failure.withLock({ $0 }) { throw error }
            let scored = results.withLock { $0 }
            var set = ScoredSet()
            for index in chosen {
                set.append(truth: utterances[index].labelIndex(in: labelMap), probabilities: scored[index]!, corpus: utterances[index].corpus)
            }
            let metrics = set.metrics(labels: labelMap.labels)
            logger.info("robustness \(condition): UA \(percent(metrics.unweightedAverageRecall)) on \(chosen.count) test files (clean \(percent(clean.metrics(labels: labelMap.labels).unweightedAverageRecall))), \(ContinuousClock.now - start)")
            sets["robustness/\(condition)"] = set
        }
        return sets
    }
}
