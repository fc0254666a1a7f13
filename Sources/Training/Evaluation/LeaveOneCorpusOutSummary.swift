import Model

/// The leave-one-corpus-out protocol over every corpus in turn: each corpus's figures and their mean
/// over corpora (each corpus weighs the same, whatever its size).
public struct LeaveOneCorpusOutSummary: Codable, Sendable, Equatable {
    public var corpora: [HeldOutCorpusEvaluation]
    /// Channel (`clean`, `telephone`) → figure (`ua_full_argmax`, `ua_restricted_argmax`,
    /// `wa_full_argmax`, `wa_restricted_argmax`, `ece_full_argmax`, `ece_restricted_argmax`) → mean
    /// over the corpora that have the channel.
    public var mean: [String: [String: Double]]
    /// The temperature factor for unseen corpora and its cross-fitted figures, when every held-out
    /// corpus has a `temperatureScan` (nil in summaries recorded before it existed).
    public var unseenCorpusCalibration: UnseenCorpusCalibration?

    public init(_ corpora: [HeldOutCorpusEvaluation]) {
        self.corpora = corpora
        var mean: [String: [String: Double]] = [:]
        for channel in ["clean", "telephone"] {
            let scored = corpora.compactMap { evaluation in evaluation.channels.first { $0.name == channel }?.metrics }
            guard !scored.isEmpty else { continue }
            func average(_ value: (SubsetMetrics) -> Double) -> Double { scored.map(value).reduce(0, +) / Double(scored.count) }
            mean[channel] = [
                "ua_full_argmax": average(\.unweightedAverageRecall), "wa_full_argmax": average(\.accuracy),
                "ua_restricted_argmax": average(\.restrictedArgmax.unweightedAverageRecall),
                "wa_restricted_argmax": average(\.restrictedArgmax.accuracy),
                "ece_full_argmax": average(\.fullArgmax.expectedCalibrationError),
                "ece_restricted_argmax": average(\.restrictedArgmax.expectedCalibrationError),
            ]
        }
        self.mean = mean
        let scans = corpora.compactMap { evaluation in evaluation.temperatureScan.map { (corpus: evaluation.corpus, scan: $0) } }
        unseenCorpusCalibration = scans.count == corpora.count ? UnseenCorpusCalibration(scans: scans) : nil
    }
}

extension LeaveOneCorpusOutSummary {
    /// A model manifest's `metrics.leave_one_corpus_out_summary`: the protocol, each held-out corpus's
    /// figures (`HeldOutCorpusEvaluation.json`) and the means over corpora.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "protocol": .string("each corpus in turn held out: the recipe trained on the other corpora (validation speakers, early stopping, temperature and normalisation from them only) and scored on every file of the held-out corpus; UA over the corpus's own classes with the full argmax and with the argmax restricted to them; means weigh every corpus the same"),
            "corpora": .array(corpora.map(\.json)),
            "mean": .object(mean.mapValues { .object($0.mapValues(JSONValue.number)) }),
        ]
        if let calibration = unseenCorpusCalibration { object["unseen_corpus_calibration"] = calibration.json }
        return .object(object)
    }
}
