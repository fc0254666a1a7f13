import Foundation

/// Everything a training or evaluation run reports: written as `report.json` (machine-readable,
/// Codable) and rendered as a self-contained `report.html` by `HTMLReport`.
public struct TrainingReport: Codable, Sendable, Equatable {
    /// The model evaluated or trained.
    public struct ModelSummary: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        /// File or directory it was loaded from / written to.
        public var source: String
        public var labels: [String]
        /// Model sample rate, Hz.
        public var sampleRate: Int
        /// The softmax temperature in the model's manifest.
        public var temperature: Double

        public init(name: String, version: String, source: String, labels: [String], sampleRate: Int, temperature: Double) {
            self.name = name
            self.version = version
            self.source = source
            self.labels = labels
            self.sampleRate = sampleRate
            self.temperature = temperature
        }
    }

    /// What data went in.
    public struct DataSummary: Codable, Sendable, Equatable {
        /// Manifests or corpus directories read.
        public var sources: [String]
        /// Utterances used (after the label map and speaker filter).
        public var utterances: Int
        public var speakers: Int
        /// Utterances per corpus and per (model) label.
        public var perCorpus: [String: Int]
        public var perLabel: [String: Int]
        /// Utterances left out, with the reason (e.g. "label dropped by the label map": 81).
        public var excluded: [String: Int]

        public init(sources: [String], utterances: [Utterance], excluded: [String: Int] = [:]) {
            self.sources = sources
            self.utterances = utterances.count
            speakers = utterances.speakers.count
            perCorpus = Dictionary(grouping: utterances, by: \.corpus).mapValues(\.count)
            perLabel = Dictionary(grouping: utterances, by: { $0.mappedLabel ?? "(dropped)" }).mapValues(\.count)
            self.excluded = excluded
        }
    }

    /// One evaluated condition: a test split, a fold, one corpus, the telephone channel, ...
    public struct Section: Codable, Sendable, Equatable {
        /// Heading, e.g. "test (clean)", "fold 3", "emodb", "test (telephone)".
        public var name: String
        public var metrics: ClassificationMetrics

        public init(name: String, metrics: ClassificationMetrics) {
            self.name = name
            self.metrics = metrics
        }
    }

    public var title: String
    /// ISO 8601 creation time.
    public var createdAt: String
    /// The command line that produced the report.
    public var command: [String]
    /// Seed of the split and of augmentation, when there was randomness.
    public var seed: UInt64?
    public var model: ModelSummary?
    public var data: DataSummary?
    /// The speaker split (one), or the k folds.
    public var splits: [SpeakerSplit]
    /// Evaluations; the first is the headline one (plotted in full).
    public var sections: [Section]
    /// Mean ± std across folds, for k-fold runs.
    public var crossValidation: CrossValidationSummary?
    /// Temperature fitted on validation data, if any.
    public var fittedTemperature: Double?
    /// Learning curves (one per training run).
    public var histories: [TrainingHistory]
    /// Free-form remarks (e.g. "12 files had no speech and were not scored").
    public var notes: [String]
    /// Leave one corpus out: the held-out corpus scored over its own classes (full and restricted argmax).
    public var heldOutCorpus: HeldOutCorpusEvaluation?
    /// Leave one corpus out over every corpus with this model's recipe (`ser-train export --loco`).
    public var leaveOneCorpusOut: LeaveOneCorpusOutSummary?

    public init(title: String, command: [String] = CommandLine.arguments, seed: UInt64? = nil, model: ModelSummary? = nil,
                data: DataSummary? = nil, splits: [SpeakerSplit] = [], sections: [Section] = [],
                crossValidation: CrossValidationSummary? = nil, fittedTemperature: Double? = nil,
                histories: [TrainingHistory] = [], notes: [String] = [], heldOutCorpus: HeldOutCorpusEvaluation? = nil,
                leaveOneCorpusOut: LeaveOneCorpusOutSummary? = nil, createdAt: Date = Date()) {
        self.title = title
        self.createdAt = ISO8601DateFormatter().string(from: createdAt)
        self.command = command
        self.seed = seed
        self.model = model
        self.data = data
        self.splits = splits
        self.sections = sections
        self.crossValidation = crossValidation
        self.fittedTemperature = fittedTemperature
        self.histories = histories
        self.notes = notes
        self.heldOutCorpus = heldOutCorpus
        self.leaveOneCorpusOut = leaveOneCorpusOut
    }

    /// Pretty-printed JSON with sorted keys (stable diffs).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes `report.json` and `report.html` into `directory` (created if needed); returns their URLs.
    @discardableResult
    public func write(to directory: URL) throws -> (json: URL, html: URL) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let json = directory.appendingPathComponent("report.json"), html = directory.appendingPathComponent("report.html")
        try jsonData().write(to: json)
        try Data(HTMLReport.render(self).utf8).write(to: html)
        return (json, html)
    }
}
