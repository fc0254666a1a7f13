import AudioDecoding
import Testing
import TestSupport

/// Every kind of bad upload gets its typed error, never a crash or an unbounded allocation.
@Suite("Bad input is rejected with a typed error")
struct BadInputTests {
    let decoder = AudioDecoder()

    func expectError(_ expected: (AudioDecodingError) -> Bool, _ bytes: [UInt8], decoder: AudioDecoder? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let audio = try (decoder ?? self.decoder).decode(bytes)
            Issue.record("decoded \(audio.frameCount) frames instead of failing", sourceLocation: sourceLocation)
        } catch {
            #expect(expected(error), "unexpected error \(error.code): \(error)", sourceLocation: sourceLocation)
            #expect(!error.description.isEmpty, sourceLocation: sourceLocation)
        }
    }

    func validWAV(seconds: Double = 1, rate: Int = 16000) -> [UInt8] {
        var wav = WAVBuilder()
        wav.sampleRate = UInt32(rate)
        wav.data = WAVBuilder.pcm16(Signals.sine(frequency: 440, sampleRate: rate, seconds: seconds))
        return wav.bytes
    }

    @Test func emptyBody() {
        expectError({ $0 == .empty }, [])
    }

    @Test(arguments: ["hello, this is not audio at all", "{\"json\": true}", String(repeating: "\u{0}", count: 4096)])
    func notAudio(text: String) {
        expectError({ if case .notAudio = $0 { true } else { false } }, Array(text.utf8))
    }

    @Test func randomBytesAreNotAudio() {
        var generator = SeededRandom(seed: 37)
        for _ in 0..<50 {
            let bytes = (0..<Int.random(in: 1...4096, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do {
                _ = try decoder.decode(bytes)
            } catch {
                #expect(["not_audio", "malformed_audio", "unsupported_encoding", "audio_too_short", "truncated_audio", "invalid_sample_rate", "invalid_channel_count"].contains(error.code))
            }
        }
    }

    @Test func truncatedFLAC() throws {
        let flac = try AudioEncoder().encode([Signals.sine(frequency: 440, sampleRate: 16000, seconds: 2)], sampleRate: 16000, format: .flac)
        expectError({ if case .truncated = $0 { true } else if case .malformed = $0 { true } else { false } },
                    Array(flac.prefix(flac.count / 2)))
    }

    @Test func truncatedWAVHeader() {
        expectError({ $0.code == "malformed_audio" || $0.code == "not_audio" }, Array(validWAV().prefix(30)))
    }

    @Test func wavWhoseDataChunkIsCutShort() {
        // The header declares 2 s of samples; only 1 s follows.
        var wav = WAVBuilder()
        wav.data = WAVBuilder.pcm16(Signals.sine(frequency: 440, sampleRate: 16000, seconds: 1))
        wav.declaredDataSize = UInt32(wav.data.count * 2)
        expectError({ if case .truncated = $0 { true } else { false } }, wav.bytes)
    }

    @Test func unsupportedEncoding() {
        var wav = WAVBuilder()
        wav.formatTag = 0x1234  // no such WAVE codec
        wav.data = [UInt8](repeating: 0, count: 32000)
        expectError({ $0.code == "unsupported_encoding" || $0.code == "malformed_audio" }, wav.bytes)
    }

    @Test(arguments: [UInt32(0), 1, 100, 1_000_000_000])
    func absurdSampleRate(rate: UInt32) {
        var wav = WAVBuilder()
        wav.sampleRate = rate
        wav.data = WAVBuilder.pcm16(Signals.sine(frequency: 440, sampleRate: 16000, seconds: 1))
        expectError({ $0.code == "invalid_sample_rate" || $0.code == "malformed_audio" }, wav.bytes)
    }

    @Test func tooManyChannelsForTheLimit() throws {
        let tone = Signals.sine(frequency: 440, sampleRate: 16000, seconds: 0.5)
        let bytes = try AudioEncoder().encode([tone, tone, tone], sampleRate: 16000, format: .wavPCM16)
        let strict = AudioDecoder(limits: AudioLimits(maxChannels: 2))
        expectError({ $0 == .invalidChannelCount(3, maximum: 2) }, bytes, decoder: strict)
    }

    @Test(arguments: [UInt16(0), 4096, 65535])
    func absurdChannelCountInTheHeader(channels: UInt16) {
        var wav = WAVBuilder()
        wav.channels = channels
        wav.data = [UInt8](repeating: 0, count: 64000)
        expectError({ $0.code == "invalid_channel_count" || $0.code == "malformed_audio" }, wav.bytes)
    }

    @Test func tooLong() {
        let strict = AudioDecoder(limits: AudioLimits(maxDurationSeconds: 1))
        expectError({ $0 == .tooLong(maximumSeconds: 1) }, validWAV(seconds: 1.5), decoder: strict)
    }

    @Test func tooShort() {
        expectError({ if case .tooShort = $0 { true } else { false } }, validWAV(seconds: 0.05))
        expectError({ if case .tooShort = $0 { true } else { false } }, validWAV(seconds: 0))
    }

    /// A header claiming ~10^12 frames must neither allocate them nor be believed.
    @Test func headerClaimingAnEnormousLengthAllocatesNothingLarge() {
        var wav = WAVBuilder()
        wav.bitsPerSample = 8
        wav.formatTag = 1
        wav.data = [UInt8](repeating: 128, count: 16000)
        wav.declaredDataSize = 0xFFFF_FFF0
        do {
            let audio = try decoder.decode(wav.bytes)
            // libsndfile may clamp the length to the bytes present; then exactly those are decoded.
            #expect(audio.frameCount == 16000)
        } catch {
            #expect(error.code == "truncated_audio" || error.code == "malformed_audio")
        }
    }

    /// FLAC compresses silence ~1000:1, so a small body can expand into hours: the duration limit
    /// stops decoding at the limit.
    @Test func compressedSilenceBombStopsAtTheLimit() throws {
        let silence = [Float](repeating: 0, count: 16000 * 60)
        let bomb = try AudioEncoder().encode([silence], sampleRate: 16000, format: .flac)
        #expect(bomb.count < 100_000)
        let strict = AudioDecoder(limits: AudioLimits(maxDurationSeconds: 10))
        expectError({ $0 == .tooLong(maximumSeconds: 10) }, bomb, decoder: strict)
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteFloatSamples(value: Float) {
        var samples = Signals.sine(frequency: 440, sampleRate: 16000, seconds: 0.5)
        samples[1234] = value
        var wav = WAVBuilder()
        wav.formatTag = 3
        wav.bitsPerSample = 32
        wav.data = WAVBuilder.float32(samples)
        expectError({ $0 == .nonFiniteSamples(channel: 0, frame: 1234) }, wav.bytes)
    }
}

@Suite("Streaming WAV headers")
struct StreamingHeaderTests {
    /// ffmpeg writing to a pipe puts 0xFFFFFFFF in the data size: a valid stream, not truncation.
    @Test(arguments: [UInt32(0xFFFF_FFFF), 0x7FFF_FFFF])
    func unknownLengthSentinelIsAccepted(size: UInt32) throws {
        var wav = WAVBuilder()
        wav.data = WAVBuilder.pcm16(Signals.sine(frequency: 440, sampleRate: 16000, seconds: 1))
        wav.declaredDataSize = size
        let audio = try AudioDecoder().decode(wav.bytes)
        #expect(audio.frameCount == 16000)
    }
}
