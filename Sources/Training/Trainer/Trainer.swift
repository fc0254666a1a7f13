import Foundation
import LinearAlgebra
import Logging

import NeuralNet

/// The training loop of one model on one split.
///
/// Two threads: a producer thread assembles each epoch's batches (crop, augmentation, normalisation
/// from the `FeatureStore`) into a `BoundedQueue` a few batches ahead, while the calling thread does
/// the maths (forward, loss, backward, clipping, optimiser step) with `blasThreads` BLAS threads.
/// After every epoch: validation UA with the inference network (clean and telephone versions),
/// early stopping on it, and a checkpoint when a directory is given.
public final class Trainer {
    public let config: TrainingConfig
    public let store: FeatureStore
    public let assembler: BatchAssembler
    let logger: Logger

    /// What a finished run hands back.
    public struct Outcome {
        /// The best epoch's weights.
        public var parameters: [String: Tensor]
        public var network: Network
        public var history: [EpochRecord]
        public var bestEpoch: Int
        public var bestValidationUA: Double
        /// Fitted on the validation speakers (clean + telephone).
        public var temperature: Double
    }

    public init(config: TrainingConfig, store: FeatureStore, mean: [Float], standardDeviation: [Float], logger: Logger) {
        self.config = config
        self.store = store
        self.assembler = BatchAssembler(store: store, config: config, mean: mean, standardDeviation: standardDeviation)
        self.logger = logger
    }

    /// Trains on `trainIndices` (into the store), early-stopping on `validationIndices`.
    /// - Parameter stopAfterEpoch: end the run after this epoch as if interrupted (its checkpoint is
    ///   written), e.g. to split a long run across sessions; `resume` continues it.
    public func train(trainIndices: [Int], validationIndices: [Int], checkpointDirectory: URL? = nil, resume: Bool = false,
                      stopAfterEpoch: Int? = nil, progress: ProgressReporter) throws -> Outcome {
        BLAS.setThreadCount(config.blasThreads)
        let labels = config.labelMap.labels
        var random = SeededGenerator(seed: config.seed, streams: 3)
        let model = try TrainableNetwork(spec: config.networkSpec, random: &random)
        let optimizer = AdamOptimizer(variant: config.optimizer, weightDecay: config.weightDecay)
        let trainLabels = trainIndices.map { store.utterances[$0].labelIndex(in: config.labelMap) }
        let loss = SoftmaxCrossEntropy(
            labelSmoothing: config.labelSmoothing,
            classWeights: config.classWeighting == .balanced ? SoftmaxCrossEntropy.balancedWeights(labels: trainLabels, classes: labels.count) : nil)
        let batchSize = config.batchSize
        let batchesPerEpoch = trainIndices.count / batchSize + (trainIndices.count % batchSize >= 2 ? 1 : 0)
        let warmup = Int(config.warmupEpochs * Double(batchesPerEpoch))
        let schedule: LearningRateSchedule = switch config.schedule {
        case .cosine: .warmupCosine(peak: config.learningRate, minimum: config.minimumLearningRate, warmupSteps: warmup,
                                    totalSteps: config.epochs * batchesPerEpoch)
        case .step: .step(peak: config.learningRate, gamma: config.stepGamma, stepSize: config.stepEpochs * batchesPerEpoch,
                          warmupSteps: warmup)
        }

        var state = Checkpoint(epoch: 0, step: 0, bestValidationUA: -1, bestEpoch: 0, epochsSinceBest: 0, history: [])
        var best = model.parameterTensors
        if resume, let directory = checkpointDirectory, Checkpoint.exists(in: directory) {
            let saved = try Checkpoint.read(from: directory)
            model.load(saved.current)
            best = saved.best
            optimizer.restore(step: saved.state.step, firstMoment: saved.firstMoment, secondMoment: saved.secondMoment)
            state = saved.state
            logger.info("resumed from \(directory.path) after epoch \(state.epoch)")
        }

        let validationInputs = validationIndices.flatMap { index in
            ([store.clean[index]] + (store.telephone.isEmpty ? [] : [store.telephone[index]])).map(assembler.normalized)
        }
        let validationLabels = validationIndices.flatMap { index in
            Array(repeating: store.utterances[index].labelIndex(in: config.labelMap), count: store.telephone.isEmpty ? 1 : 2)
        }
        let clock = ContinuousClock()
        let runStart = clock.now
        while state.epoch < config.epochs {
            if config.earlyStoppingPatience > 0 && state.epochsSinceBest >= config.earlyStoppingPatience { break }
            if let stopAfterEpoch, state.epoch >= stopAfterEpoch { break }
            let epoch = state.epoch + 1
            let epochStart = clock.now
            var order = trainIndices
            var shuffler = SeededGenerator(seed: config.seed, streams: 0, UInt64(epoch))
            shuffler.shuffle(&order)
            let epochOrder = order
            let queue = BoundedQueue<(input: BatchTensor, labels: [Int])>(capacity: config.prefetchBatches)
            let assembler = self.assembler
            let producer = Thread {
                for b in 0..<batchesPerEpoch {
                    let range = (b * batchSize)..<min((b + 1) * batchSize, epochOrder.count)
                    guard queue.put(assembler.batch(indices: Array(epochOrder[range]), positions: Array(range), epoch: epoch)) else { return }
                }
                queue.finish()
            }
            producer.start()
            var lossSum = 0.0, lossCount = 0
            var batchIndex = 0
            while let (input, targets) = queue.take() {
                model.zeroGradients()
                var dropout = SeededGenerator(seed: config.seed, streams: 2, UInt64(epoch), UInt64(batchIndex))
                let logits = model.logits(input, mode: .training, random: &dropout)
                let (value, gradient) = loss.evaluate(logits: logits.values, labels: targets, classes: labels.count)
                model.backward(BatchTensor(shape: logits.shape, batch: logits.batch, values: gradient))
                clipGradientNorm(model.trainableParameters, maximumNorm: config.gradientClipNorm)
                optimizer.update(model.trainableParameters, learningRate: schedule.rate(at: state.step))
                state.step += 1
                batchIndex += 1
                lossSum += value
                lossCount += 1
                progress.batch(epoch: epoch, epochs: config.epochs, batch: batchIndex, batches: batchesPerEpoch,
                               loss: lossSum / Double(lossCount), validationUA: state.history.last?.validationUA,
                               elapsed: (clock.now - runStart).seconds)
            }
            let scores = try evaluate(network: model.network(), inputs: validationInputs, labels: validationLabels, temperature: 1)
            let record = EpochRecord(
                epoch: epoch, trainLoss: lossSum / Double(max(lossCount, 1)), validationLoss: scores.negativeLogLikelihood,
                validationUA: scores.unweightedAverageRecall, learningRate: Double(schedule.rate(at: max(state.step - 1, 0))),
                seconds: (clock.now - epochStart).seconds)
            state.epoch = epoch
            state.history.append(record)
            let improved = record.validationUA > state.bestValidationUA
            if improved {
                state.bestValidationUA = record.validationUA
                state.bestEpoch = epoch
                state.epochsSinceBest = 0
                best = model.parameterTensors
            } else {
                state.epochsSinceBest += 1
            }
            progress.epoch(record, epochs: config.epochs, best: improved)
            if let directory = checkpointDirectory {
                try state.write(to: directory, parameters: model.parameters, best: best, optimizer: optimizer)
            }
        }
        let network = try Network(spec: config.networkSpec, parameters: best)
        let evaluator = Evaluator(network: network, config: config)
        let logits = try validationInputs.map { Evaluator.clipLogits(try evaluator.windowLogits($0)) }
        let temperature = logits.isEmpty ? 1 : TemperatureScaling.fit(logits: logits, truth: validationLabels)
        return Outcome(parameters: best, network: network, history: state.history, bestEpoch: state.bestEpoch,
                       bestValidationUA: state.bestValidationUA, temperature: temperature)
    }

    /// Metrics of `network` on normalised `inputs` at `temperature`.
    func evaluate(network: Network, inputs: [Matrix], labels: [Int], temperature: Double) throws -> ClassificationMetrics {
        let evaluator = Evaluator(network: network, config: config)
        let probabilities = try inputs.map { Evaluator.probabilities(try evaluator.windowLogits($0), temperature: temperature) }
        return ClassificationMetrics(labels: config.labelMap.labels, truth: labels, probabilities: probabilities)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
