/// One epoch of training, as the trainer records it.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch (cross-entropy, nats).
    public var trainLoss: Double
    /// Loss on the validation speakers after the epoch (nats).
    public var validationLoss: Double
    /// Unweighted average recall on the validation speakers after the epoch, 0...1.
    public var validationUA: Double
    /// Learning rate used in the epoch (the last value if it changed within the epoch).
    public var learningRate: Double
    /// Wall-clock duration of the epoch, seconds.
    public var seconds: Double

    public init(epoch: Int, trainLoss: Double, validationLoss: Double, validationUA: Double, learningRate: Double, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.validationUA = validationUA
        self.learningRate = learningRate
        self.seconds = seconds
    }
}

/// The learning curves of one training run (one per fold in cross-validation); the report plots them.
public struct TrainingHistory: Codable, Sendable, Equatable {
    /// Name shown in plot legends (e.g. "fold 1"); nil for a single run.
    public var name: String?
    public var epochs: [EpochRecord]

    public init(name: String? = nil, epochs: [EpochRecord] = []) {
        self.name = name
        self.epochs = epochs
    }

    /// The epoch with the highest validation UA (the usual checkpoint choice), or nil when empty.
    public var bestEpoch: EpochRecord? { epochs.max { $0.validationUA < $1.validationUA } }
}
