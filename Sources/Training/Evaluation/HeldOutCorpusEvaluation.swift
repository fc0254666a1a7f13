import Model

/// Leave-one-corpus-out figures of one held-out corpus: the final model of a run that never trained,
/// validated or calibrated on the corpus, scored on every one of its utterances (clean and through
/// the telephone channel) over the classes the corpus has.
public struct HeldOutCorpusEvaluation: Codable, Sendable, Equatable {
    /// The held-out corpus.
    public var corpus: String
    /// The corpora the model trained on.
    public var trainedOn: [String]
    public var utterances: Int
    public var speakers: Int
    /// The final model's temperature (fitted on validation speakers of the training corpora).
    public var temperature: Double
    /// Clean recordings, full and restricted argmax.
    public var clean: SubsetMetrics
    /// Through the telephone channel, when the run caches it.
    public var telephone: SubsetMetrics?
    /// The clean recordings' calibration at other temperatures (`UnseenCorpusCalibration` chooses from
    /// the scans of every held-out corpus); nil in runs recorded before it existed.
    public var temperatureScan: TemperatureScan?

    public init(corpus: String, trainedOn: [String], utterances: Int, speakers: Int, temperature: Double,
                clean: SubsetMetrics, telephone: SubsetMetrics?, temperatureScan: TemperatureScan? = nil) {
        self.corpus = corpus
        self.trainedOn = trainedOn
        self.utterances = utterances
        self.speakers = speakers
        self.temperature = temperature
        self.clean = clean
        self.telephone = telephone
        self.temperatureScan = temperatureScan
    }

    /// The channels scored, by name (`clean`, `telephone`).
    public var channels: [(name: String, metrics: SubsetMetrics)] {
        [("clean", clean)] + (telephone.map { [("telephone", $0)] } ?? [])
    }

    /// The run record's `leave_one_corpus_out` object.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "corpus": .string(corpus), "trained_on": .array(trainedOn.map(JSONValue.string)),
            "utterances": .number(Double(utterances)), "speakers": .number(Double(speakers)),
            "classes": .array(clean.classes.map(JSONValue.string)), "temperature": .number(temperature),
        ]
        for (name, metrics) in channels { object[name] = Self.json(metrics) }
        if let scan = temperatureScan {
            object["temperature_scan"] = .object([
                "factors": .array(scan.factors.map(JSONValue.number)),
                "nll_restricted_argmax": .array(scan.negativeLogLikelihood.map(JSONValue.number)),
                "ece_restricted_argmax": .array(scan.expectedCalibrationError.map(JSONValue.number)),
            ])
        }
        return .object(object)
    }

    /// UA (over the subset's classes) and WA with the full and the restricted argmax, and both confusions.
    static func json(_ m: SubsetMetrics) -> JSONValue {
        func matrix(_ rows: [[Int]]) -> JSONValue { .array(rows.map { .array($0.map { .number(Double($0)) }) }) }
        return .object([
            "ua_full_argmax": .number(m.unweightedAverageRecall), "wa_full_argmax": .number(m.accuracy),
            "ua_restricted_argmax": .number(m.restrictedArgmax.unweightedAverageRecall),
            "wa_restricted_argmax": .number(m.restrictedArgmax.accuracy),
            "nll_restricted_argmax": .number(m.restrictedArgmax.negativeLogLikelihood),
            "ece_full_argmax": .number(m.fullArgmax.expectedCalibrationError),
            "ece_restricted_argmax": .number(m.restrictedArgmax.expectedCalibrationError),
            "confusion_full_argmax": matrix(m.fullArgmax.confusion),
            "confusion_restricted_argmax": matrix(m.restrictedArgmax.confusion),
            "recall_restricted_argmax": .object(Dictionary(uniqueKeysWithValues: m.restrictedArgmax.perClass.map {
                ($0.label, JSONValue.number($0.recall))
            })),
        ])
    }
}
