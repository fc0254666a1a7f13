#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AudioDecoding
import WebSocket

/// The parameters of a live stream (docs/streaming.md), from the upgrade request's query string and
/// optionally a first `{"type": "start", ...}` message whose values replace the query's. Unknown names
/// are refused so a typo is reported instead of ignored.
struct StreamParameters: Equatable {
    var modelName: String?
    var modelVersion: String?
    var encoding = RawAudioDecoder.Encoding.pcmS16LE
    /// Hz of the audio the client sends.
    var sampleRate = 16_000
    /// Interleaved channels.
    var channels = 1
    var roles: [String] = []
    var segmentSeconds = 2.0
    var hopSeconds: Double?

    static let known: Set<String> = ["model", "encoding", "sample_rate", "channels", "roles", "segment", "hop"]
    static let sampleRates = 4_000...192_000
    static let maximumChannels = 8
    static let segmentRange = 0.5...60.0
    static let hopRange = 0.25...60.0

    /// Applies `pairs` (name, value as text) over these parameters.
    mutating func apply(_ pairs: [(name: String, value: String)]) throws(APIError) {
        for (name, _) in pairs where !Self.known.contains(name) {
            throw APIError(status: 400, code: "invalid_parameter",
                           message: "unknown parameter '\(name)'; known: \(Self.known.sorted().joined(separator: ", "))")
        }
        for (name, value) in pairs {
            switch name {
            case "model": (modelName, modelVersion) = try PredictionParameters.parseModel(value)
            case "encoding":
                guard let parsed = RawAudioDecoder.Encoding(rawValue: value) else {
                    throw .invalidParameter("encoding", "one of \(RawAudioDecoder.Encoding.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                encoding = parsed
            case "sample_rate":
                guard let rate = Int(value), Self.sampleRates.contains(rate) else {
                    throw .invalidParameter("sample_rate", "Hz from \(Self.sampleRates.lowerBound) to \(Self.sampleRates.upperBound)")
                }
                sampleRate = rate
            case "channels":
                guard let count = Int(value), (1...Self.maximumChannels).contains(count) else {
                    throw .invalidParameter("channels", "interleaved channels, 1 to \(Self.maximumChannels)")
                }
                channels = count
            case "roles": roles = try PredictionParameters.parseRoles(value)
            case "segment": segmentSeconds = try Self.seconds(value, name: "segment", range: Self.segmentRange)
            case "hop": hopSeconds = try Self.seconds(value, name: "hop", range: Self.hopRange)
            default: break
            }
        }
        if roles.count > channels { throw .invalidParameter("roles", "\(roles.count) roles for \(channels) channel(s)") }
    }

    private static func seconds(_ text: String, name: String, range: ClosedRange<Double>) throws(APIError) -> Double {
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw .invalidParameter(name, "seconds from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// The pairs of a `start` message's JSON object: strings and numbers as text, `roles` also as a
    /// list of strings; `type` is the message's own. Nil when `text` is not a JSON object.
    static func pairs(ofStartMessage object: [String: JSONField]) throws(APIError) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for (name, field) in object.sorted(by: { $0.key < $1.key }) where name != "type" {
            switch field {
            case .text(let text): pairs.append((name, text))
            case .number(let number): pairs.append((name, number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)))
            case .texts(let list) where name == "roles": pairs.append((name, list.joined(separator: ",")))
            default: throw .invalidParameter(name, "must be a string or a number\(name == "roles" ? " or a list of strings" : "")")
            }
        }
        return pairs
    }
}

/// A field of a client's JSON message: the shapes the protocol uses, anything else as `other`.
enum JSONField: Decodable, Equatable {
    case text(String), number(Double), texts([String]), other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { self = .text(text) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let texts = try? container.decode([String].self) { self = .texts(texts) }
        else { self = .other }
    }
}

/// A text message from the client: `start` (with parameters) or `stop`.
enum ClientMessage: Equatable {
    case start([String: JSONField])
    case stop

    /// Parses a text message; the error names what is wrong (`invalid_message`).
    static func parse(_ text: String) throws(StreamFailure) -> ClientMessage {
        guard let object = try? JSONDecoder().decode([String: JSONField].self, from: Data(text.utf8)) else {
            throw StreamFailure(code: "invalid_message", message: "a text message must be a JSON object with a \"type\"", close: .invalidPayload)
        }
        switch object["type"] {
        case .text("start"): return .start(object)
        case .text("stop"): return .stop
        default:
            throw StreamFailure(code: "invalid_message", message: "unknown message type; send {\"type\": \"start\", ...} or {\"type\": \"stop\"}",
                                close: .policyViolation)
        }
    }
}
