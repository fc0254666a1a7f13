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
/// early stopping on it, and a checkpoint when a directory is given. An example's loss is over the
/// classes its corpus has (`CorpusClasses`): a class missing from a corpus is not a negative.
public final class Trainer {
    public let config: TrainingConfig
    public let store: FeatureStore
    public let assembler: BatchAssembler
    /// The classes each corpus of the store has: the loss masks the others (`mask_missing_classes`).
    public let corpusClasses: CorpusClasses
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
        self.corpusClasses = CorpusClasses(store.utterances.labelled, labelMap: config.labelMap)
        self.logger = logger
    }

    /// What one optimisation run works with, fixed for its epochs.
    struct Session {
        let model: TrainableNetwork
        let optimizer: AdamOptimizer
        let loss: SoftmaxCrossEntropy
        let schedule: LearningRateSchedule
        let batchesPerEpoch: Int
    }

    /// The normalised validation inputs (clean, and telephone when cached) with their labels.
    struct ValidationSet {
        var inputs: [Matrix]
        var labels: [Int]
        /// The corpus of each input.
        var corpora: [String]
    }

    /// Trains on `trainIndices` (into the store), early-stopping on `validationIndices`.
    /// - Parameter stopAfterEpoch: end the run after this epoch as if interrupted (its checkpoint is
    ///   written), e.g. to split a long run across sessions; `resume` continues it.
    public func train(trainIndices: [Int], validationIndices: [Int], checkpointDirectory: URL? = nil, resume: Bool = false,
                      stopAfterEpoch: Int? = nil, progress: ProgressReporter) throws -> Outcome {
        BLAS.setThreadCount(config.blasThreads)
        let session = try makeSession(trainIndices: trainIndices)
        var (state, best) = try restore(session, from: resume ? checkpointDirectory : nil)
        let validation = validationSet(validationIndices)
        let runStart = ContinuousClock.now
        while state.epoch < config.epochs {
            if config.earlyStoppingPatience > 0 && state.epochsSinceBest >= config.earlyStoppingPatience { break }
            if let stopAfterEpoch, state.epoch >= stopAfterEpoch { break }
            let epoch = state.epoch + 1
            let epochStart = ContinuousClock.now
            let trainLoss = runEpoch(epoch, session: session, trainIndices: trainIndices, state: &state,
                                     progress: progress, runStart: runStart)
            let scores = try validationScores(network: session.model.network(), validation: validation)
            let record = EpochRecord(
                epoch: epoch, trainLoss: trainLoss, validationLoss: scores.metrics.negativeLogLikelihood,
                validationUA: scores.ua,
                learningRate: Double(session.schedule.rate(at: max(state.step - 1, 0))),
                seconds: (ContinuousClock.now - epochStart).seconds)
            let improved = state.append(record)
            if improved { best = session.model.parameterTensors }
            progress.epoch(record, epochs: config.epochs, best: improved)
            if let directory = checkpointDirectory {
                try state.write(to: directory, parameters: session.model.parameters, best: best, optimizer: session.optimizer)
            }
        }
        return try outcome(best: best, state: state, validation: validation)
    }

    /// A freshly initialised network, optimiser, loss and learning-rate schedule for `trainIndices`.
    func makeSession(trainIndices: [Int]) throws -> Session {
        var random = SeededGenerator(seed: config.seed, streams: 3)
        let model = try TrainableNetwork(spec: config.networkSpec, random: &random)
        let optimizer = AdamOptimizer(variant: config.optimizer, weightDecay: config.weightDecay)
        let classes = config.labelMap.labels.count
        let trainLabels = trainIndices.map { store.utterances[$0].labelIndex(in: config.labelMap) }
        let loss = SoftmaxCrossEntropy(
            labelSmoothing: config.labelSmoothing,
            classWeights: config.classWeighting == .balanced ? SoftmaxCrossEntropy.balancedWeights(labels: trainLabels, classes: classes) : nil)
        let batchSize = config.batchSize
        let batchesPerEpoch = trainIndices.count / batchSize + (trainIndices.count % batchSize >= 2 ? 1 : 0)
        let warmup = Int(config.warmupEpochs * Double(batchesPerEpoch))
        let schedule: LearningRateSchedule = switch config.schedule {
        case .cosine: .warmupCosine(peak: config.learningRate, minimum: config.minimumLearningRate, warmupSteps: warmup,
                                    totalSteps: config.epochs * batchesPerEpoch)
        case .step: .step(peak: config.learningRate, gamma: config.stepGamma, stepSize: config.stepEpochs * batchesPerEpoch,
                          warmupSteps: warmup)
        }
        return Session(model: model, optimizer: optimizer, loss: loss, schedule: schedule, batchesPerEpoch: batchesPerEpoch)
    }

    /// The starting state: fresh, or the checkpoint in `directory` (weights, best weights, Adam moments).
    func restore(_ session: Session, from directory: URL?) throws -> (Checkpoint, [String: Tensor]) {
        guard let directory, Checkpoint.exists(in: directory) else {
            return (Checkpoint(epoch: 0, step: 0, bestValidationUA: -1, bestEpoch: 0, epochsSinceBest: 0, history: []),
                    session.model.parameterTensors)
        }
        let saved = try Checkpoint.read(from: directory)
        session.model.load(saved.current)
        session.optimizer.restore(step: saved.state.step, firstMoment: saved.firstMoment, secondMoment: saved.secondMoment)
        logger.info("resumed from \(directory.path) after epoch \(saved.state.epoch)")
        return (saved.state, saved.best)
    }

    /// Every validation utterance clean and (when cached) through the telephone channel.
    func validationSet(_ indices: [Int]) -> ValidationSet {
        let copies = store.telephone.isEmpty ? 1 : 2
        let inputs = indices.flatMap { index in
            ([store.clean[index]] + (store.telephone.isEmpty ? [] : [store.telephone[index]])).map(assembler.normalized)
        }
        let labels = indices.flatMap { Array(repeating: store.utterances[$0].labelIndex(in: config.labelMap), count: copies) }
        let corpora = indices.flatMap { Array(repeating: store.utterances[$0].corpus, count: copies) }
        return ValidationSet(inputs: inputs, labels: labels, corpora: corpora)
    }

    /// The per-example class masks of a batch (nil when masking is off or every corpus has every class).
    func presentClasses(_ indices: [Int]) -> [[Bool]]? {
        guard config.maskMissingClasses, !corpusClasses.isComplete else { return nil }
        return indices.map { store.utterances[$0].presentClasses(in: corpusClasses) }
    }

    /// One epoch of optimisation steps over `trainIndices` in the epoch's shuffled order, batches built
    /// ahead on a producer thread; returns the mean training loss (nats).
    func runEpoch(_ epoch: Int, session: Session, trainIndices: [Int], state: inout Checkpoint,
                  progress: ProgressReporter, runStart: ContinuousClock.Instant) -> Double {
        let queue = startProducer(epoch: epoch, order: epochOrder(trainIndices, epoch: epoch), batches: session.batchesPerEpoch)
        let classes = config.labelMap.labels.count
        var lossSum = 0.0, batchIndex = 0
        while let (input, targets, present) = queue.take() {
            let model = session.model
            model.zeroGradients()
            var dropout = SeededGenerator(seed: config.seed, streams: 2, UInt64(epoch), UInt64(batchIndex))
            let logits = model.logits(input, mode: .training, random: &dropout)
            let (value, gradient) = session.loss.evaluate(logits: logits.values, labels: targets, classes: classes, present: present)
            model.backward(BatchTensor(shape: logits.shape, batch: logits.batch, values: gradient))
            clipGradientNorm(model.trainableParameters, maximumNorm: config.gradientClipNorm)
            session.optimizer.update(model.trainableParameters, learningRate: session.schedule.rate(at: state.step))
            state.step += 1
            batchIndex += 1
            lossSum += value
            progress.batch(epoch: epoch, epochs: config.epochs, batch: batchIndex, batches: session.batchesPerEpoch,
                           loss: lossSum / Double(batchIndex), validationUA: state.history.last?.validationUA,
                           elapsed: (ContinuousClock.now - runStart).seconds)
        }
        return lossSum / Double(max(batchIndex, 1))
    }

    /// The epoch's example order from the (seed, epoch) stream: `trainIndices` shuffled, or with
    /// `corpus_balance` > 0 as many draws by the `CorpusSampler`'s corpus weights.
    func epochOrder(_ trainIndices: [Int], epoch: Int) -> [Int] {
        var random = SeededGenerator(seed: config.seed, streams: 0, UInt64(epoch))
        guard config.corpusBalance > 0, !trainIndices.isEmpty else {
            var order = trainIndices
            random.shuffle(&order)
            return order
        }
        let sampler = CorpusSampler(indices: trainIndices, corpora: trainIndices.map { store.utterances[$0].corpus },
                                    balance: config.corpusBalance)
        return sampler.draw(count: trainIndices.count, random: &random)
    }

    /// A producer thread assembling `batches` batches of `order` into a bounded queue.
    func startProducer(epoch: Int, order: [Int], batches: Int) -> BoundedQueue<Batch> {
        let queue = BoundedQueue<Batch>(capacity: config.prefetchBatches)
        let (assembler, batchSize) = (self.assembler, config.batchSize)
        let masks = (0..<batches).map { b in presentClasses(Array(order[(b * batchSize)..<min((b + 1) * batchSize, order.count)])) }
        let producer = Thread {
            for b in 0..<batches {
                let range = (b * batchSize)..<min((b + 1) * batchSize, order.count)
                let batch = assembler.batch(indices: Array(order[range]), positions: Array(range), epoch: epoch)
                guard queue.put((batch.input, batch.labels, masks[b])) else { return }
            }
            queue.finish()
        }
        producer.start()
        return queue
    }

    /// A training batch: input, label indices and the examples' class masks (nil: all classes).
    typealias Batch = (input: BatchTensor, labels: [Int], present: [[Bool]]?)

    /// The best epoch's inference network and its temperature fitted on the validation set.
    func outcome(best: [String: Tensor], state: Checkpoint, validation: ValidationSet) throws -> Outcome {
        let network = try Network(spec: config.networkSpec, parameters: best)
        let evaluator = Evaluator(network: network, config: config)
        let logits = try validation.inputs.map { Evaluator.clipLogits(try evaluator.windowLogits($0)) }
        let temperature = logits.isEmpty ? 1 : TemperatureScaling.fit(logits: logits, truth: validation.labels)
        return Outcome(parameters: best, network: network, history: state.history, bestEpoch: state.bestEpoch,
                       bestValidationUA: state.bestValidationUA, temperature: temperature)
    }

    /// Metrics of `network` on the validation set at temperature 1, and the UA that early stopping
    /// follows (`validation_ua`): pooled over every validation file, or the mean over corpora of each
    /// corpus's UA with the argmax over its own classes (each corpus weighs the same, however many
    /// files its validation speakers have).
    func validationScores(network: Network, validation: ValidationSet) throws -> (metrics: ClassificationMetrics, ua: Double) {
        let evaluator = Evaluator(network: network, config: config)
        let probabilities = try validation.inputs.map { Evaluator.probabilities(try evaluator.windowLogits($0), temperature: 1) }
        let labels = config.labelMap.labels
        let metrics = ClassificationMetrics(labels: labels, truth: validation.labels, probabilities: probabilities)
        guard config.validationUA == .corpusMean, !validation.inputs.isEmpty else { return (metrics, metrics.unweightedAverageRecall) }
        let byCorpus = SubsetMetrics.byCorpus(labels: labels, corpora: validation.corpora, truth: validation.labels,
                                              probabilities: probabilities, corpusClasses: corpusClasses)
        let uas = byCorpus.values.map(\.restrictedArgmax.unweightedAverageRecall)
        return (metrics, uas.reduce(0, +) / Double(uas.count))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
