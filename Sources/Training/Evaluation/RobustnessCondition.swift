import AudioDecoding
import Foundation

/// A degradation of test audio for the robustness table (`robustness_conditions`): applied to a test
/// file's waveform, after the same recording clean-up its clean evaluation had, before its features
/// are computed as usual. Written in configs as a string:
///
/// | string | condition |
/// |---|---|
/// | `gain:-30` | level change, dB |
/// | `telephone` | the training's telephone channel (8 kHz, 300-3400 Hz, G.711 mu-law) |
/// | `noise:white:20`, `noise:pink:10`, `noise:babble:5` | additive noise at an SNR, dB (whole-clip powers) |
/// | `reverb:0.3` | a synthetic room of this RT60, seconds (`Reverberation`) |
/// | `opus:16000` | Ogg Opus at this bit rate, bit/s, at the model rate, decoded back (libsndfile) |
/// | `gsm` | GSM 6.10 full rate: resampled to 8 kHz, encoded and decoded (libsndfile), resampled back |
///
/// Babble is 4 other test talkers' clips summed (never the clip's own speaker; `babblePool`).
public enum RobustnessCondition: Sendable, Equatable, CustomStringConvertible, Codable {
    case gain(decibels: Double)
    case telephone
    case noise(Noise.Kind, snrDecibels: Double)
    case reverb(rt60Seconds: Double)
    case opus(bitsPerSecond: Int)
    case gsm

    /// Talkers summed into babble noise.
    public static let babbleTalkers = 4

    /// Parses the config string (see the type's table).
    public init(_ text: String) throws(TrainingError) {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        func number(_ index: Int) -> Double? { parts.count > index ? Double(parts[index]) : nil }
        switch (parts.first ?? "", parts.count) {
        case ("gain", 2) where number(1) != nil: self = .gain(decibels: number(1)!)
        case ("telephone", 1): self = .telephone
        case ("noise", 3) where Noise.Kind(rawValue: parts[1]) != nil && number(2) != nil:
            self = .noise(Noise.Kind(rawValue: parts[1])!, snrDecibels: number(2)!)
        case ("reverb", 2) where (number(1) ?? 0) > 0: self = .reverb(rt60Seconds: number(1)!)
        case ("opus", 2) where (number(1) ?? 0) >= 6_000: self = .opus(bitsPerSecond: Int(number(1)!))
        case ("gsm", 1): self = .gsm
        default:
            throw .invalidConfiguration("unknown robustness condition \"\(text)\" (gain:DB, telephone, noise:white|pink|babble:SNR, reverb:RT60, opus:BPS, gsm)")
        }
    }

    public var description: String {
        func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
        return switch self {
        case .gain(let decibels): "gain:\(number(decibels))"
        case .telephone: "telephone"
        case .noise(let kind, let snr): "noise:\(kind.rawValue):\(number(snr))"
        case .reverb(let rt60): "reverb:\(number(rt60))"
        case .opus(let bitsPerSecond): "opus:\(bitsPerSecond)"
        case .gsm: "gsm"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// `samples` (mono, `sampleRate` Hz) through the condition, same length.
    /// - Parameters:
    ///   - seed: the draws of noise and room (the same file gets the same noise in every run).
    ///   - babblePool: other talkers' clips at `sampleRate`, for `noise:babble`.
    public func apply(_ samples: [Float], sampleRate: Int, seed: UInt64, babblePool: [[Float]] = []) throws -> [Float] {
        guard !samples.isEmpty else { return samples }
        var generator = SeededGenerator(seed: seed, streams: 0x726F_6275_7374)
        switch self {
        case .gain(let decibels):
            return Mixing.gain(samples, decibels: decibels)
        case .telephone:
            return TelephoneChannel(sampleRate: sampleRate).apply(samples)
        case .noise(let kind, let snr):
            let noise: [Float] = switch kind {
            case .white: Noise.white(count: samples.count, generator: &generator)
            case .pink: Noise.pink(count: samples.count, generator: &generator)
            case .babble: Noise.babble(count: samples.count, talkers: Self.babbleTalkers, pool: babblePool, generator: &generator)
            }
            return Mixing.addNoise(samples, noise: noise, snrDecibels: snr)
        case .reverb(let rt60):
            let response = Reverberation.impulseResponse(rt60Seconds: rt60, sampleRate: sampleRate, generator: &generator)
            return Reverberation.apply(samples, impulseResponse: response)
        case .opus(let bitsPerSecond):
            let bytes = try AudioEncoder().encode([samples.map { max(-1, min(1, $0)) }], sampleRate: sampleRate, format: .oggOpus,
                                                  compressionLevel: AudioEncoder.opusCompressionLevel(bitsPerSecond: bitsPerSecond))
            return Self.fitted(try AudioDecoder().decode(bytes, resamplingTo: sampleRate).mixdown(), count: samples.count)
        case .gsm:
            let rate = TelephoneChannel.codecRate
            let narrow = Resampler(from: sampleRate, to: rate, quality: .high).resample(samples).map { max(-1, min(1, $0)) }
            let bytes = try AudioEncoder().encode([narrow], sampleRate: rate, format: .wavGSM610)
            let decoded = try AudioDecoder().decode(bytes).mixdown()
            return Self.fitted(Resampler(from: rate, to: sampleRate, quality: .high).resample(decoded), count: samples.count)
        }
    }

    /// `signal` cut or zero-padded to `count` samples (codecs and rate changes add or drop a few).
    static func fitted(_ signal: [Float], count: Int) -> [Float] {
        signal.count >= count ? Array(signal.prefix(count)) : signal + [Float](repeating: 0, count: count - signal.count)
    }
}
