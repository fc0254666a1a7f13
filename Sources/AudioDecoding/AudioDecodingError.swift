/// Why a body of bytes could not become analysable audio. Every case carries enough to tell a user
/// what to fix; `code` is a stable machine-readable name (the HTTP layer uses it in JSON errors).
public enum AudioDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body had no bytes at all.
    case empty
    /// The bytes are not in any audio format libsndfile recognises.
    case notAudio(detail: String)
    /// The format was recognised but this encoding inside it cannot be decoded.
    case unsupportedEncoding(detail: String)
    /// The header or the stream is damaged (libsndfile's own explanation in `detail`).
    case malformed(detail: String)
    /// The file ends before the header says it should: `decodedFrames` of `declaredFrames`.
    case truncated(decodedFrames: Int, declaredFrames: Int)
    /// A sample rate of 0, or outside `limits.sampleRateRange`.
    case invalidSampleRate(Int, allowed: ClosedRange<Int>)
    /// More channels than `limits.maxChannels` (or none).
    case invalidChannelCount(Int, maximum: Int)
    /// Longer than `limits.maxDurationSeconds`; decoding stopped there without allocating the rest.
    case tooLong(maximumSeconds: Double)
    /// Shorter than `limits.minDurationSeconds`, too short to analyse.
    case tooShort(seconds: Double, minimumSeconds: Double)
    /// The stream holds NaN or infinite samples (possible only in float encodings).
    case nonFiniteSamples(channel: Int, frame: Int)

    public var code: String {
        switch self {
        case .empty: "empty_body"
        case .notAudio: "not_audio"
        case .unsupportedEncoding: "unsupported_encoding"
        case .malformed: "malformed_audio"
        case .truncated: "truncated_audio"
        case .invalidSampleRate: "invalid_sample_rate"
        case .invalidChannelCount: "invalid_channel_count"
        case .tooLong: "audio_too_long"
        case .tooShort: "audio_too_short"
        case .nonFiniteSamples: "non_finite_samples"
        }
    }

    public var description: String {
        switch self {
        case .empty:
            "the request body is empty; send the audio file's bytes"
        case .notAudio(let detail):
            "the body is not a recognised audio file (WAV, FLAC, Ogg Vorbis/Opus, AIFF, MP3, ...): \(detail)"
        case .unsupportedEncoding(let detail):
            "the audio format was recognised but its encoding is not supported: \(detail)"
        case .malformed(let detail):
            "the audio file is damaged: \(detail)"
        case .truncated(let decoded, let declared):
            "the audio file is truncated: its header declares \(declared) frames but only \(decoded) could be decoded"
        case .invalidSampleRate(let rate, let allowed):
            "sample rate \(rate) Hz is not supported; it must be between \(allowed.lowerBound) and \(allowed.upperBound) Hz"
        case .invalidChannelCount(let count, let maximum):
            "\(count) channels is not supported; send between 1 and \(maximum) channels"
        case .tooLong(let maximum):
            "the audio is longer than the limit of \(Self.format(maximum)) s"
        case .tooShort(let seconds, let minimum):
            "the audio lasts \(Self.format(seconds)) s, shorter than the \(Self.format(minimum)) s needed for analysis"
        case .nonFiniteSamples(let channel, let frame):
            "the audio holds a NaN or infinite sample (channel \(channel), frame \(frame))"
        }
    }

    private static func format(_ seconds: Double) -> String {
        let rounded = (seconds * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
