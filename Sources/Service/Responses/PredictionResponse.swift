import Analysis
import AudioDecoding
import Model

/// The body of `POST /v1/predict` (`Prediction` in openapi.yaml).
struct PredictionResponse: Encodable {
    struct ModelReference: Encodable {
        var name: String
        var version: String
    }

    struct AudioDescription: Encodable {
        var durationSeconds: Double?
        var sampleRate: Int
        var channels: Int
        var container: String
        var encoding: String

        enum CodingKeys: String, CodingKey {
            case durationSeconds = "duration_s", sampleRate = "sample_rate", channels, container, encoding
        }
    }

    /// Milliseconds per stage (see the spec: summed over analysis threads) and in all.
    struct Timings: Encodable {
        var decode: Double?
        var features: Double?
        var inference: Double?
        var total: Double?
    }

    var requestID: String
    var model: ModelReference
    var labels: [String]
    var audio: AudioDescription
    var overall: EstimateBody
    var channels: [ChannelBody]
    /// Between the channels, for two or more channels analysed apart; null otherwise.
    var conversation: ConversationBody?
    var timings: Timings

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", model, labels, audio, overall, channels, conversation, timings = "timings_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestID, forKey: .requestID)
        try container.encode(model, forKey: .model)
        try container.encode(labels, forKey: .labels)
        try container.encode(audio, forKey: .audio)
        try container.encode(overall, forKey: .overall)
        try container.encode(channels, forKey: .channels)
        try container.encode(conversation, forKey: .conversation)  // null for one channel or a mix
        try container.encode(timings, forKey: .timings)
    }
}

/// One channel's result (`ChannelResult`): its index (-1 for the mix), role, overall and timeline.
struct ChannelBody: Encodable {
    var index: Int
    var role: String?
    var overall: EstimateBody
    var segments: [SegmentBody]
    var conversation: ChannelConversationBody

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(role, forKey: .role)  // null when no role was given
        try container.encode(overall, forKey: .overall)
        try container.encode(segments, forKey: .segments)
        try container.encode(conversation, forKey: .conversation)
    }

    enum CodingKeys: String, CodingKey { case index, role, overall, segments, conversation }
}

/// One segment of a timeline (`Segment`): its bounds, whether it holds speech, and its estimate.
struct SegmentBody: Encodable {
    var startSeconds: Double?
    var endSeconds: Double?
    var estimate: EstimateBody

    init(_ segment: SegmentEstimate, labels: [String]) {
        startSeconds = rounded(segment.startSeconds, digits: 3)
        endSeconds = rounded(segment.endSeconds, digits: 3)
        estimate = EstimateBody(segment.estimate, labels: labels, includeSpeechSeconds: false)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(startSeconds, forKey: DynamicKey("start_s"))
        try container.encode(endSeconds, forKey: DynamicKey("end_s"))
        try container.encode(estimate.probabilities != nil, forKey: DynamicKey("speech"))
        try estimate.encodeFields(into: &container)
    }
}

/// Probabilities with the label, confidence and speech seconds behind them (`Result`); all null when
/// the stretch held no speech.
struct EstimateBody: Encodable {
    var labels: [String]
    var probabilities: [Double]?
    var speechSeconds: Double?
    var includeSpeechSeconds: Bool
    /// Index of the most probable label (of the unrounded probabilities).
    var topIndex: Int?
    /// Valence and arousal in [-1, 1] (`EmotionCircumplex`); nil without speech or for labels off the circumplex.
    var valence: Double?
    var arousal: Double?

    init(_ estimate: EmotionEstimate, labels: [String], includeSpeechSeconds: Bool = true) {
        self.labels = labels
        topIndex = estimate.topIndex
        if let p = estimate.probabilities, let place = EmotionCircumplex.coordinates(p, labels: labels) {
            valence = rounded(place.valence, digits: 4)
            arousal = rounded(place.arousal, digits: 4)
        }
        probabilities = estimate.probabilities?.map { rounded(Double($0), digits: 6) ?? 0 }
        speechSeconds = rounded(estimate.speechSeconds, digits: 3)
        self.includeSpeechSeconds = includeSpeechSeconds
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try encodeFields(into: &container)
    }

    /// `probabilities` (label order), `label`, `confidence` and, for whole-channel results, `speech_s`.
    func encodeFields(into container: inout KeyedEncodingContainer<DynamicKey>) throws {
        if let probabilities {
            var object = container.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("probabilities"))
            for (label, value) in zip(labels, probabilities) { try object.encode(value, forKey: DynamicKey(label)) }
        } else {
            try container.encodeNil(forKey: DynamicKey("probabilities"))
        }
        try container.encode(topIndex.map { labels[$0] }, forKey: DynamicKey("label"))
        try container.encode(topIndex.map { probabilities![$0] }, forKey: DynamicKey("confidence"))
        try container.encode(valence, forKey: DynamicKey("valence"))
        try container.encode(arousal, forKey: DynamicKey("arousal"))
        if includeSpeechSeconds { try container.encode(speechSeconds, forKey: DynamicKey("speech_s")) }
    }
}
