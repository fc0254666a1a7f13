import AudioDecoding
import Foundation
import Testing
import TestSupport
@testable import Training

/// The degradations of the robustness table (`robustness_conditions`): how they are written in a
/// config, and that each does what its name says to a speech-like clip.
@Suite struct RobustnessConditionTests {
    static let clip = Signals.speechLike(seconds: 3, pitch: 160)

    @Test(arguments: ["gain:-30", "gain:6", "telephone", "noise:white:20", "noise:pink:10", "noise:babble:5", "reverb:0.3",
                      "reverb:0.8", "opus:16000", "gsm"])
    func aConditionReadsAsItIsWritten(text: String) throws {
        let condition = try RobustnessCondition(text)
        #expect(condition.description == text)
        let json = try JSONEncoder().encode([condition])
        #expect(try JSONDecoder().decode([RobustnessCondition].self, from: json) == [condition])
        #expect(try condition.apply(Self.clip, sampleRate: 16_000, seed: 3).count == Self.clip.count)
    }

    @Test(arguments: ["gain", "noise:brown:10", "noise:white", "reverb:0", "opus:1000", "mp3", ""])
    func anUnknownConditionIsAnError(text: String) {
        #expect(throws: TrainingError.self) { try RobustnessCondition(text) }
        var config = TrainingConfig()
        config.robustnessConditions = [text]
        #expect(throws: TrainingError.self) { try config.validate() }
    }

    @Test func gainAndNoiseHitTheirLevels() throws {
        let quieter = try RobustnessCondition("gain:-20").apply(Self.clip, sampleRate: 16_000, seed: 1)
        #expect(abs(Noise.rms(quieter) / Noise.rms(Self.clip) - 0.1) < 1e-4)
        for kind in ["white", "pink"] {
            let noisy = try RobustnessCondition("noise:\(kind):10").apply(Self.clip, sampleRate: 16_000, seed: 1)
            #expect(abs(Mixing.snrDecibels(signal: Self.clip, noisy: noisy) - 10) < 0.05, "\(kind)")
        }
        // Babble from a pool of other talkers; the same seed gives the same noise.
        let pool = [Signals.speechLike(seconds: 2, pitch: 110), Signals.speechLike(seconds: 2.5, pitch: 220)]
        let babble = try RobustnessCondition("noise:babble:5")
        let once = try babble.apply(Self.clip, sampleRate: 16_000, seed: 9, babblePool: pool)
        #expect(abs(Mixing.snrDecibels(signal: Self.clip, noisy: once) - 5) < 0.05)
        #expect(try babble.apply(Self.clip, sampleRate: 16_000, seed: 9, babblePool: pool) == once)
    }

    /// The impulse response's energy falls 60 dB per RT60: 24 dB from the 0.1-0.2 s slice to the
    /// 0.3-0.4 s slice at RT60 0.5 s; its tail holds as much energy as the direct path.
    @Test func reverberationDecaysSixtyDecibelsPerRT60() {
        var generator = SeededGenerator(seed: 4)
        let response = Reverberation.impulseResponse(rt60Seconds: 0.5, sampleRate: 16_000, generator: &generator)
        #expect(response.count == 8_000 && response[0] == 1)
        func energy(_ range: Range<Int>) -> Double { range.reduce(0.0) { $0 + Double(response[$1]) * Double(response[$1]) } }
        let drop = 10 * log10(energy(1_600..<3_200) / energy(4_800..<6_400))
        #expect(abs(drop - 24) < 1.5, "\(drop) dB")
        #expect(abs(energy(1..<8_000) - 1) < 1e-3)
        let reverberant = Reverberation.apply(Self.clip, impulseResponse: response)
        #expect(abs(Noise.rms(reverberant) / Noise.rms(Self.clip) - 1) < 1e-3)
        // A lone impulse comes out as the (rescaled) response itself.
        var impulse = [Float](repeating: 0, count: 10_000)
        impulse[100] = 1
        let out = Reverberation.apply(impulse, impulseResponse: response)
        let scale = out[100]
        #expect(out[..<100].allSatisfy { abs($0) < 1e-4 })
        #expect(zip(out[100..<8_100], response).allSatisfy { abs($0 - scale * $1) < 1e-4 })
    }

    /// The codecs write what they claim: Opus near 16 kbit/s, GSM 6.10 at 13 kbit/s (65 bytes per
    /// 20 ms frame pair), and the decoded audio still follows the clip.
    @Test func codecsRunAtTheirBitRates() throws {
        let encoder = AudioEncoder()
        let opus = try encoder.encode([Self.clip], sampleRate: 16_000, format: .oggOpus,
                                      compressionLevel: AudioEncoder.opusCompressionLevel(bitsPerSecond: 16_000))
        let opusDefault = try encoder.encode([Self.clip], sampleRate: 16_000, format: .oggOpus)
        let opusRate = Double(opus.count * 8) / 3
        #expect(opusRate > 10_000 && opusRate < 22_000, "\(opusRate) bit/s")
        #expect(opus.count < opusDefault.count)
        let gsm = try encoder.encode([Resampler(from: 16_000, to: 8_000).resample(Self.clip)], sampleRate: 8_000, format: .wavGSM610)
        let gsmRate = Double(gsm.count * 8) / 3
        #expect(gsmRate > 12_500 && gsmRate < 14_500, "\(gsmRate) bit/s")
        for text in ["opus:16000", "gsm"] {
            let decoded = try RobustnessCondition(text).apply(Self.clip, sampleRate: 16_000, seed: 0)
            // Correlation with the clip over a few lags (codec delay): the speech survives.
            let best = (0..<400).map { lag -> Double in
                var dot = 0.0, a = 0.0, b = 0.0
                for i in 0..<(Self.clip.count - 400) {
                    let x = Double(Self.clip[i]), y = Double(decoded[i + lag])
                    dot += x * y; a += x * x; b += y * y
                }
                return dot / max((a * b).squareRoot(), 1e-12)
            }.max()!
            #expect(best > 0.3, "\(text): correlation \(best)")
        }
    }
}
