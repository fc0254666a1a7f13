import AudioDecoding
import Testing
import TestSupport

/// The decoded-sample budget (`AudioLimits.maxSamples`): the duration limit alone let a small FLAC of
/// 8-channel 384 kHz silence decode into tens of gigabytes (issue #8: a 403 KB body of 120 s made the
/// debug server peak at 1.7 GB RSS; at the default 3600 s limit the same kind of body, 12 MB, asks for
/// 44 GB). Decoding now stops at whichever of the two limits comes first.
@Suite("Decoded-sample budget")
struct DecodingBudgetTests {
    @Test func theDefaultBudgetKeepsAnHourOfTelephoneAndWidebandStereo() {
        let limits = AudioLimits()
        #expect(limits.maxSamples == 115_200_000)
        #expect(limits.maxSamples / 2 >= 3600 * 16000)   // 1 h of 16 kHz stereo
        #expect(limits.maxSamples / 4 >= 3600 * 8000)    // 1 h of 8 kHz, 4 channels
        #expect(limits.maxSamples / 8 / 384_000 == 37)   // 37.5 s of the worst case the other limits allow
    }

    @Test func multichannelHighRateSilenceStopsAtTheSampleBudget() throws {
        // 2 s of 8 channels at 48 kHz against a budget of 1 s of it.
        let silence = [[Float]](repeating: [Float](repeating: 0, count: 96_000), count: 8)
        let bomb = try AudioEncoder().encode(silence, sampleRate: 48_000, format: .flac)
        let decoder = AudioDecoder(limits: AudioLimits(maxSamples: 8 * 48_000))
        #expect(throws: AudioDecodingError.tooLong(maximumSeconds: 1)) { try decoder.decode(bomb) }
        // The same audio within the budget decodes.
        let roomy = AudioDecoder(limits: AudioLimits(maxSamples: 8 * 96_000))
        #expect(try roomy.decode(bomb).frameCount == 96_000)
    }

    @Test func theDurationLimitStillAppliesWhenItComesFirst() throws {
        let wav = try AudioEncoder().encode([Signals.sine(frequency: 300, sampleRate: 8000, seconds: 3)], sampleRate: 8000, format: .wavPCM16)
        let decoder = AudioDecoder(limits: AudioLimits(maxDurationSeconds: 2, maxSamples: 1_000_000))
        #expect(throws: AudioDecodingError.tooLong(maximumSeconds: 2)) { try decoder.decode(wav) }
    }

    /// A 40-byte-header WAV that declares 8 channels at 384 kHz and 2 GB of data: typed error, and the
    /// reservation is bounded by the budget rather than by the header.
    @Test func aLyingHugeHeaderIsTruncatedNotAllocated() throws {
        var wav = WAVBuilder()
        wav.channels = 8
        wav.sampleRate = 384_000
        wav.data = [UInt8](repeating: 0, count: 16 * 4000)
        wav.declaredDataSize = 0x7FFF_FFF0
        #expect(throws: AudioDecodingError.self) { try AudioDecoder().decode(wav.bytes) }
    }
}
