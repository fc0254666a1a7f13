import AudioDecoding
import Testing
import TestSupport

@Suite("Streaming decode and resampling")
struct AudioStreamTests {
    /// Block-wise resampling gives the one-shot result: same length, same samples up to rounding.
    @Test(arguments: [(8000, 16000), (44100, 16000), (48000, 16000), (16000, 16000), (22050, 8000)])
    func streamingResamplingMatchesOneShot(from: Int, to: Int) throws {
        let signal = Signals.speechLike(seconds: 7.3, sampleRate: from)
        let oneShot = Resampler(from: from, to: to).resample(signal)
        let bytes = try AudioEncoder().encode([signal], sampleRate: from, format: .wavFloat)
        let stream = try AudioStream(bytes: bytes, outputRate: to)
        var streamed: [Float] = []
        var largestBlock = 0
        while let block = try stream.next() {
            streamed += block[0]
            largestBlock = max(largestBlock, block[0].count)
        }
        #expect(streamed.count == oneShot.count)
        let error = zip(streamed, oneShot).map { abs($0 - $1) }.max() ?? 0
        #expect(error < 2e-3, "largest difference \(error)")
        // Memory per step is bounded by the block, not the audio: a block's worth of output plus, at
        // the end, the filter delay the resampler releases (well under 1024 samples).
        #expect(largestBlock <= 16_384 * to / from + 1024)
    }

    /// Multi-channel audio is resampled one channel per thread: every channel still gets exactly its
    /// own one-shot conversion, in its own place (distinct signals, so a swap or a mix would show).
    @Test(arguments: [2, 3])
    func channelsAreResampledSeparatelyAndInOrder(channelCount: Int) throws {
        let channels = (0..<channelCount).map { c in
            Signals.sine(frequency: 220 * Double(c + 1), sampleRate: 8000, seconds: 5.1).map { $0 * Float(c + 1) / 4 }
        }
        let bytes = try AudioEncoder().encode(channels, sampleRate: 8000, format: .wavFloat)
        let stream = try AudioStream(bytes: bytes, outputRate: 16000)
        var streamed = [[Float]](repeating: [], count: channelCount)
        while let block = try stream.next() {
            #expect(block.count == channelCount)
            #expect(Set(block.map(\.count)).count == 1, "channels of one block have equal lengths")
            for c in 0..<channelCount { streamed[c] += block[c] }
        }
        for c in 0..<channelCount {
            let expected = Resampler(from: 8000, to: 16000).resample(channels[c])
            #expect(streamed[c].count == expected.count)
            let error = zip(streamed[c], expected).map { abs($0 - $1) }.max() ?? 1
            #expect(error < 2e-3, "channel \(c): largest difference \(error)")
        }
    }

    /// A FLAC stream whose STREAMINFO declares 0 samples (allowed: "unknown") has no declared length;
    /// libsndfile reports it as SF_COUNT_MAX, which once reached the window plan as a length and
    /// trapped converting ~9.2e18 samples to Int (a FuzzRequest finding). It decodes to the end.
    @Test func aFLACWithoutADeclaredLengthHasNoExpectedLengthAndDecodesWhole() throws {
        let signal = Signals.speechLike(seconds: 1.3, sampleRate: 16000)
        var bytes = try AudioEncoder().encode([signal], sampleRate: 16000, format: .flac)
        // STREAMINFO's total samples: the low 4 bits of byte 21 and bytes 22-25.
        #expect(Array(bytes[0..<4]) == Array("fLaC".utf8))
        bytes[21] &= 0xF0
        for k in 22...25 { bytes[k] = 0 }
        let stream = try AudioStream(bytes: bytes, outputRate: 16000)
        #expect(stream.declaredFrames == 0)
        #expect(stream.expectedOutputFrames == nil)
        var decoded = 0
        while let block = try stream.next() { decoded += block[0].count }
        #expect(decoded == signal.count)
    }

    @Test func reportsTheSourceFormatAndChecksLimitsAsItGoes() throws {
        let tone = Signals.sine(frequency: 440, sampleRate: 8000, seconds: 3)
        let bytes = try AudioEncoder().encode([tone, tone], sampleRate: 8000, format: .wavMuLaw)
        let stream = try AudioStream(bytes: bytes, limits: AudioLimits(maxDurationSeconds: 2), outputRate: 16000)
        #expect(stream.source == AudioFormat(container: "wav", encoding: "mulaw", sampleRate: 8000, channelCount: 2))
        #expect(throws: AudioDecodingError.tooLong(maximumSeconds: 2)) { while try stream.next() != nil {} }
    }
}
