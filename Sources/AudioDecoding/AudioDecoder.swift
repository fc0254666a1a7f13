import CSndFile
import Synchronization

private let soundFileOpenLock = Mutex(())

/// An `sf_open_virtual` result and, if it failed, why (read under the same lock).
private struct OpenResult: @unchecked Sendable {
    var handle: OpaquePointer?
    var error: AudioDecodingError
}

/// Turns the bytes of an audio file (a request body) into per-channel float PCM, or a typed error.
///
/// Decoding runs entirely in memory through libsndfile's virtual I/O: WAV (PCM 8/16/24/32-bit,
/// float, mu-law, A-law, ADPCM), RF64/W64, AIFF, AU, CAF, FLAC, Ogg Vorbis, Ogg Opus and MP3 (the
/// Debian build of libsndfile links mpg123). Limits are enforced while decoding, so memory is
/// bounded by `limits.maxDurationSeconds` whatever the header claims.
///
/// A decoder holds no mutable state and is safe to share between threads.
public struct AudioDecoder: Sendable {
    public var limits: AudioLimits

    /// Frames read per libsndfile call: 16 k frames keeps the interleaved scratch buffer small.
    static let chunkFrames = 16_384

    public init(limits: AudioLimits = AudioLimits()) {
        self.limits = limits
    }

    /// Decodes `bytes` at their own sample rate, channels kept apart.
    public func decode(_ bytes: [UInt8]) throws(AudioDecodingError) -> DecodedAudio {
        guard !bytes.isEmpty else { throw .empty }
        let file = MemoryFile(bytes: bytes)
        var info = SF_INFO()
        var io = MemoryFile.virtualIO
        // libsndfile reports an open failure through a process-global error, so opening (header
        // parsing only, microseconds) is serialised to keep concurrent requests' errors apart.
        let opened = soundFileOpenLock.withLock { _ in
            withExtendedLifetime(file) {
                OpenResult(handle: sf_open_virtual(
                    &io, Int32(SFM_READ), &info, Unmanaged.passUnretained(file).toOpaque()),
                    error: Self.openError())
            }
        }
        guard let handle = opened.handle else { throw opened.error }
        defer { sf_close(handle) }
        return try withExtendedLifetime(file) { () throws(AudioDecodingError) -> DecodedAudio in
            try read(handle, info: info)
        }
    }

    /// Decodes `bytes`, then resamples every channel to `sampleRate` Hz (band-limited, libsoxr).
    public func decode(_ bytes: [UInt8], resamplingTo sampleRate: Int) throws(AudioDecodingError) -> DecodedAudio {
        try decode(bytes).resampled(to: sampleRate)
    }

    // MARK: Reading

    private func read(_ handle: OpaquePointer, info: SF_INFO) throws(AudioDecodingError) -> DecodedAudio {
        let channelCount = Int(info.channels)
        let sampleRate = Int(info.samplerate)
        guard channelCount >= 1, channelCount <= limits.maxChannels else {
            throw .invalidChannelCount(channelCount, maximum: limits.maxChannels)
        }
        guard limits.sampleRateRange.contains(sampleRate) else {
            throw .invalidSampleRate(sampleRate, allowed: limits.sampleRateRange)
        }
        let format = AudioFormat(
            container: SoundFileFormat.containerName(info.format),
            encoding: SoundFileFormat.encodingName(info.format),
            sampleRate: sampleRate, channelCount: channelCount)

        // Decode in chunks and never trust the declared length for allocation: reserve at most
        // what the limits allow, and stop as soon as the stream passes them. The frame limit is the
        // duration limit, or fewer where the sample budget (frames × channels) is reached first.
        let maxFrames = min(Int(limits.maxDurationSeconds * Double(sampleRate)), limits.maxSamples / channelCount)
        let declaredFrames = Int(clamping: info.frames)
        let reserve = min(max(declaredFrames, 0), maxFrames + 1)
        var channels = [[Float]](repeating: [], count: channelCount)
        for c in 0..<channelCount { channels[c].reserveCapacity(reserve) }

        var interleaved = [Float](repeating: 0, count: Self.chunkFrames * channelCount)
        var totalFrames = 0
        while true {
            let got = interleaved.withUnsafeMutableBufferPointer { buffer in
                Int(sf_readf_float(handle, buffer.baseAddress, sf_count_t(Self.chunkFrames)))
            }
            if got <= 0 { break }
            if totalFrames + got > maxFrames { throw .tooLong(maximumSeconds: Double(maxFrames) / Double(sampleRate)) }
            interleaved.withUnsafeBufferPointer { buffer in
                for c in 0..<channelCount {
                    channels[c].append(contentsOf: repeatElement(0, count: got))
                    channels[c].withUnsafeMutableBufferPointer { target in
                        for i in 0..<got { target[totalFrames + i] = buffer[i * channelCount + c] }
                    }
                }
            }
            totalFrames += got
        }
        if sf_error(handle) != 0 {
            throw .malformed(detail: String(cString: sf_strerror(handle)))
        }
        if SoundFileFormat.declaresExactLength(info.format), declaredFrames > 0, totalFrames < declaredFrames {
            throw .truncated(decodedFrames: totalFrames, declaredFrames: declaredFrames)
        }
        if let chunk = HeaderLog.shortDataChunk(handle), chunk.actual > 0 {
            let declared = Int((Double(totalFrames) * Double(chunk.declared) / Double(chunk.actual)).rounded())
            throw .truncated(decodedFrames: totalFrames, declaredFrames: declared)
        }
        if SoundFileFormat.isFloatingPoint(info.format) {
            try Self.checkFinite(channels)
        }
        let duration = Double(totalFrames) / Double(sampleRate)
        guard duration >= limits.minDurationSeconds, totalFrames > 0 else {
            throw .tooShort(seconds: duration, minimumSeconds: limits.minDurationSeconds)
        }
        return DecodedAudio(source: format, sampleRate: sampleRate, channels: channels)
    }

    private static func checkFinite(_ channels: [[Float]]) throws(AudioDecodingError) {
        for (c, channel) in channels.enumerated() {
            if let frame = channel.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteSamples(channel: c, frame: frame)
            }
        }
    }

    /// Maps libsndfile's open failure (reported on the NULL handle) to a typed error.
    private static func openError() -> AudioDecodingError {
        let detail = String(cString: sf_strerror(nil))
        switch sf_error(nil) {
        case Int32(SF_ERR_UNRECOGNISED_FORMAT): return .notAudio(detail: detail)
        case Int32(SF_ERR_UNSUPPORTED_ENCODING): return .unsupportedEncoding(detail: detail)
        default:
            // libsndfile reports most header problems as SF_ERR_MALFORMED_FILE or with a
            // format-specific code whose text explains it.
            return .malformed(detail: detail)
        }
    }
}
