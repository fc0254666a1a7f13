import AudioDecoding
import Foundation
import Testing
import TestSupport

/// Every format the service accepts, written by libsndfile in memory and decoded back.
@Suite("Decoding round trips for every supported format")
struct RoundTripTests {
    struct Case: Sendable, CustomStringConvertible {
        let format: AudioEncoder.Format
        let container: String
        let encoding: String
        let sampleRate: Int
        /// Largest sample error accepted for lossless formats; nil for lossy codecs (checked by tone purity).
        let maxError: Float?
        var description: String { format.rawValue }
    }

    static let cases: [Case] = [
        Case(format: .wavPCM8, container: "wav", encoding: "pcm_u8", sampleRate: 16000, maxError: 1.0 / 64),
        Case(format: .wavPCM16, container: "wav", encoding: "pcm_s16", sampleRate: 16000, maxError: 1e-4),
        Case(format: .wavPCM24, container: "wav", encoding: "pcm_s24", sampleRate: 44100, maxError: 1e-6),
        Case(format: .wavPCM32, container: "wav", encoding: "pcm_s32", sampleRate: 48000, maxError: 1e-6),
        Case(format: .wavFloat, container: "wav", encoding: "float32", sampleRate: 22050, maxError: 0),
        Case(format: .wavMuLaw, container: "wav", encoding: "mulaw", sampleRate: 8000, maxError: 0.02),
        Case(format: .wavALaw, container: "wav", encoding: "alaw", sampleRate: 8000, maxError: 0.02),
        Case(format: .flac, container: "flac", encoding: "pcm_s16", sampleRate: 16000, maxError: 1e-4),
        Case(format: .aiff, container: "aiff", encoding: "pcm_s16", sampleRate: 16000, maxError: 1e-4),
        Case(format: .oggVorbis, container: "ogg", encoding: "vorbis", sampleRate: 16000, maxError: nil),
        Case(format: .oggOpus, container: "ogg", encoding: "opus", sampleRate: 16000, maxError: nil),
        Case(format: .mp3, container: "mp3", encoding: "mp3", sampleRate: 16000, maxError: nil),
    ]

    @Test(arguments: cases)
    func decodesWhatWasEncoded(_ testCase: Case) throws {
        // Two channels with different tones: the decoder must keep them apart and in order.
        let rate = testCase.sampleRate
        let left = Signals.sine(frequency: 440, sampleRate: rate, seconds: 1.5)
        let right = Signals.sine(frequency: 1000, sampleRate: rate, seconds: 1.5, amplitude: 0.3)
        let bytes = try AudioEncoder().encode([left, right], sampleRate: rate, format: testCase.format)

        let audio = try AudioDecoder().decode(bytes)
        #expect(audio.source.container == testCase.container)
        #expect(audio.source.encoding == testCase.encoding)
        #expect(audio.source.sampleRate == rate)
        #expect(audio.source.channelCount == 2)
        #expect(audio.channels.count == 2)

        if let maxError = testCase.maxError {
            #expect(audio.frameCount == left.count)
            let error = zip(audio.channels[0], left).map { abs($0 - $1) }.max()!
            #expect(error <= maxError, "largest sample error \(error)")
            let errorRight = zip(audio.channels[1], right).map { abs($0 - $1) }.max()!
            #expect(errorRight <= maxError, "largest sample error \(errorRight)")
        } else {
            // Lossy codecs add priming delay and padding; check length within 100 ms and tone purity.
            #expect(abs(audio.frameCount - left.count) < rate / 10, "\(audio.frameCount) frames vs \(left.count)")
            #expect(Signals.toneFraction(audio.channels[0], frequency: 440, sampleRate: rate) > 0.9)
            #expect(Signals.toneFraction(audio.channels[1], frequency: 1000, sampleRate: rate) > 0.9)
            #expect(Signals.toneFraction(audio.channels[0], frequency: 1000, sampleRate: rate) < 0.01)
        }
    }

    @Test func mixdownAveragesTheChannels() throws {
        let a = Signals.sine(frequency: 300, sampleRate: 16000, seconds: 0.5)
        let b = a.map { -$0 * 0.5 }
        let bytes = try AudioEncoder().encode([a, b], sampleRate: 16000, format: .wavFloat)
        let mix = try AudioDecoder().decode(bytes).mixdown()
        for i in stride(from: 0, to: a.count, by: 97) { #expect(abs(mix[i] - a[i] * 0.25) < 1e-6) }
    }

    @Test func decodesAMuLawFileWrittenBySox() throws {
        // An independent writer: sox's own WAV/mu-law encoder, not libsndfile's.
        let sox = try #require(Tools.path("sox"), "sox is missing; run scripts/setup/setup.sh")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-sox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("call.wav").path
        try Tools.run(sox, ["-n", "-r", "8000", "-c", "2", "-e", "mu-law", "-b", "8", output,
                            "synth", "2", "sine", "440", "sine", "1200", "gain", "-6"])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        let audio = try AudioDecoder().decode(bytes, resamplingTo: 16000)
        #expect(audio.source == AudioFormat(container: "wav", encoding: "mulaw", sampleRate: 8000, channelCount: 2))
        #expect(audio.sampleRate == 16000)
        #expect(abs(audio.durationSeconds - 2) < 0.001)
        #expect(abs(Signals.zeroCrossingFrequency(audio.channels[0][1000..<30000], sampleRate: 16000) - 440) < 1)
        #expect(abs(Signals.zeroCrossingFrequency(audio.channels[1][1000..<30000], sampleRate: 16000) - 1200) < 2)
    }
}
