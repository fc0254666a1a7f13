/// Turns the bytes of an audio file (a request body) into per-channel float PCM, or a typed error.
///
/// Decoding runs entirely in memory through libsndfile's virtual I/O: WAV (PCM 8/16/24/32-bit,
/// float, mu-law, A-law, ADPCM), RF64/W64, AIFF, AU, CAF, FLAC, Ogg Vorbis, Ogg Opus and MP3 (the
/// Debian build of libsndfile links mpg123). Limits are enforced while decoding, so memory is
/// bounded by `limits.maxDurationSeconds` whatever the header claims. For audio too long to hold
/// whole, read an `AudioStream` block by block instead (this type collects one).
///
/// A decoder holds no mutable state and is safe to share between threads.
public struct AudioDecoder: Sendable {
    public var limits: AudioLimits

    public init(limits: AudioLimits = AudioLimits()) {
        self.limits = limits
    }

    /// Decodes `bytes` at their own sample rate, channels kept apart.
    public func decode(_ bytes: [UInt8]) throws(AudioDecodingError) -> DecodedAudio {
        try collect(AudioStream(bytes: bytes, limits: limits))
    }

    /// Decodes `bytes`, resampling every channel to `sampleRate` Hz as it goes (band-limited, libsoxr).
    public func decode(_ bytes: [UInt8], resamplingTo sampleRate: Int) throws(AudioDecodingError) -> DecodedAudio {
        try collect(AudioStream(bytes: bytes, limits: limits, outputRate: sampleRate))
    }

    /// Opens a stream over `bytes` with this decoder's limits.
    public func stream(_ bytes: [UInt8], resamplingTo sampleRate: Int? = nil) throws(AudioDecodingError) -> AudioStream {
        try AudioStream(bytes: bytes, limits: limits, outputRate: sampleRate)
    }

    private func collect(_ stream: AudioStream) throws(AudioDecodingError) -> DecodedAudio {
        var channels = [[Float]](repeating: [], count: stream.source.channelCount)
        let reserve = min(stream.declaredFrames, Int(limits.maxDurationSeconds * Double(stream.source.sampleRate)) + 1)
        let scaledReserve = Int(Double(reserve) * Double(stream.outputRate) / Double(stream.source.sampleRate)) + 1
        for c in channels.indices { channels[c].reserveCapacity(scaledReserve) }
        while let block = try stream.next() {
            for c in channels.indices { channels[c] += block[c] }
        }
        return DecodedAudio(source: stream.source, sampleRate: stream.outputRate, channels: channels)
    }
}
