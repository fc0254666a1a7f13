import CSndFile

/// Writes float PCM into an audio file in memory with libsndfile: used by the trainer's telephone
/// channel (8 kHz mu-law round trip) and by tests that need every format as real bytes.
public struct AudioEncoder: Sendable {
    /// A container and encoding libsndfile can write.
    public enum Format: String, Sendable, CaseIterable {
        case wavPCM8 = "wav_pcm_u8", wavPCM16 = "wav_pcm_s16", wavPCM24 = "wav_pcm_s24", wavPCM32 = "wav_pcm_s32"
        case wavFloat = "wav_float32", wavMuLaw = "wav_mulaw", wavALaw = "wav_alaw", wavGSM610 = "wav_gsm610"
        case flac = "flac", oggVorbis = "ogg_vorbis", oggOpus = "ogg_opus", aiff = "aiff_pcm_s16", mp3 = "mp3"

        var code: Int32 {
            let value: Int = switch self {
            case .wavPCM8: SF_FORMAT_WAV | SF_FORMAT_PCM_U8
            case .wavPCM16: SF_FORMAT_WAV | SF_FORMAT_PCM_16
            case .wavPCM24: SF_FORMAT_WAV | SF_FORMAT_PCM_24
            case .wavPCM32: SF_FORMAT_WAV | SF_FORMAT_PCM_32
            case .wavFloat: SF_FORMAT_WAV | SF_FORMAT_FLOAT
            case .wavMuLaw: SF_FORMAT_WAV | SF_FORMAT_ULAW
            case .wavALaw: SF_FORMAT_WAV | SF_FORMAT_ALAW
            case .wavGSM610: SF_FORMAT_WAV | SF_FORMAT_GSM610
            case .flac: SF_FORMAT_FLAC | SF_FORMAT_PCM_16
            case .oggVorbis: SF_FORMAT_OGG | SF_FORMAT_VORBIS
            case .oggOpus: SF_FORMAT_OGG | SF_FORMAT_OPUS
            case .aiff: SF_FORMAT_AIFF | SF_FORMAT_PCM_16
            case .mp3: SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III
            }
            return Int32(value)
        }
    }

    /// Why encoding failed (libsndfile's text).
    public struct EncodingError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init() {}

    /// libsndfile's compression level (0 best quality … 1 smallest) that makes its Opus encoder aim at
    /// `bitsPerSecond` per channel: it maps level q to (1 − q) · 250 000 + 6 000 bit/s.
    public static func opusCompressionLevel(bitsPerSecond: Int) -> Double {
        min(1, max(0, 1 - Double(bitsPerSecond - 6_000) / 250_000))
    }

    /// Encodes `channels` (equal lengths, samples in [-1, 1]) at `sampleRate` Hz as `format`.
    /// - Parameter compressionLevel: libsndfile's `SFC_SET_COMPRESSION_LEVEL` (0…1) for the lossy and
    ///   FLAC encoders (`opusCompressionLevel(bitsPerSecond:)` for an Opus bit rate); nil = its default.
    public func encode(_ channels: [[Float]], sampleRate: Int, format: Format,
                       compressionLevel: Double? = nil) throws(EncodingError) -> [UInt8] {
        guard let frameCount = channels.first?.count, channels.allSatisfy({ $0.count == frameCount }) else {
            throw EncodingError(description: "channels must be non-empty and of equal length")
        }
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels.count)
        info.format = format.code
        guard sf_format_check(&info) != 0 else {
            throw EncodingError(description: "libsndfile cannot write \(format.rawValue) at \(sampleRate) Hz, \(channels.count) channels")
        }
        let file = MemoryFile(bytes: [])
        var io = MemoryFile.virtualIO
        return try withExtendedLifetime(file) { () throws(EncodingError) -> [UInt8] in
            guard let handle = sf_open_virtual(&io, Int32(SFM_WRITE), &info, Unmanaged.passUnretained(file).toOpaque()) else {
                throw EncodingError(description: String(cString: sf_strerror(nil)))
            }
            if var level = compressionLevel,
               Int(sf_command(handle, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size))) != SF_TRUE {
                sf_close(handle)
                throw EncodingError(description: "libsndfile refused compression level \(level) for \(format.rawValue)")
            }
            var interleaved = [Float](repeating: 0, count: frameCount * channels.count)
            for (c, channel) in channels.enumerated() {
                for i in 0..<frameCount { interleaved[i * channels.count + c] = channel[i] }
            }
            let written = interleaved.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frameCount)) }
            let closeStatus = sf_close(handle)
            guard written == frameCount, closeStatus == 0 else {
                throw EncodingError(description: "libsndfile wrote \(written) of \(frameCount) frames (close status \(closeStatus))")
            }
            return file.bytes
        }
    }
}
