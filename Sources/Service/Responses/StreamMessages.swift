import Analysis
import Model

/// `{"type": "ready", ...}`: the stream's configuration as the server understood it.
struct StreamReadyMessage: Encodable {
    var type = "ready"
    var model: PredictionResponse.ModelReference
    var labels: [String]
    var encoding: String
    var sampleRate: Int
    var channels: Int
    var roles: [String]
    var segmentSeconds: Double
    var hopSeconds: Double

    enum CodingKeys: String, CodingKey {
        case type, model, labels, encoding, sampleRate = "sample_rate", channels, roles, segmentSeconds = "segment_s", hopSeconds = "hop_s"
    }
}

/// `{"type": "segment", ...}`: one segment of one channel, as soon as it is complete: the fields of
/// a timeline segment of `POST /v1/predict`, with the channel, its role and the speech seconds.
struct StreamSegmentMessage: Encodable {
    var channel: Int
    var role: String?
    var segment: SegmentBody

    init(_ update: SegmentUpdate, role: String?, labels: [String]) {
        channel = update.channel
        self.role = role
        segment = SegmentBody(update.segment, labels: labels)
        segment.estimate.includeSpeechSeconds = true
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode("segment", forKey: DynamicKey("type"))
        try container.encode(channel, forKey: DynamicKey("channel"))
        try container.encode(role, forKey: DynamicKey("role"))
        try segment.encode(to: encoder)
    }
}

/// `{"type": "summary", ...}`: the body `POST /v1/predict` gives for the audio received.
struct StreamSummaryMessage: Encodable {
    var prediction: PredictionResponse

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode("summary", forKey: DynamicKey("type"))
        try prediction.encode(to: encoder)
    }
}

/// `{"type": "error", "code", "message"}`, sent before the close frame with the matching code.
struct StreamErrorMessage: Encodable {
    var type = "error"
    var code: String
    var message: String
}
