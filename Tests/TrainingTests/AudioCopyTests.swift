import Foundation
import Testing
@testable import Training

/// The noise and reverberation copies of the feature cache (`noise_copies`, `reverb_copies`).
@Suite struct AudioCopyTests {
    /// Each file gets noise at an SNR inside the range, drawn per file (different files, different
    /// SNRs), the same in every run, and never the robustness table's draw for that file.
    @Test func noiseCopiesDrawTheirSNRPerFileWithinTheRange() throws {
        let clean = speechLikeSignal()
        let copy = AudioCopy.noise(5...20)
        var snrs: [Double] = []
        for file in UInt64(0)..<12 {
            let noisy = copy.apply(clean, sampleRate: 16_000, seed: file)
            #expect(noisy.count == clean.count)
            let snr = Mixing.snrDecibels(signal: clean, noisy: noisy)
            #expect((4.5...20.5).contains(snr), "file \(file): \(snr) dB")
            snrs.append(snr)
            #expect(copy.apply(clean, sampleRate: 16_000, seed: file) == noisy)
        }
        #expect(snrs.max()! - snrs.min()! > 5, "\(snrs)")
        let robustness = try RobustnessCondition("noise:white:10").apply(clean, sampleRate: 16_000, seed: 3)
        #expect(AudioCopy.noise(10...10).apply(clean, sampleRate: 16_000, seed: 3) != robustness)
    }

    /// A reverberant copy keeps the length and spreads the energy of a click over the room's decay.
    @Test func reverbCopiesSmearAClickOverTheRoom() {
        var click = [Float](repeating: 0, count: 16_000)
        click[1_000] = 1
        let wet = AudioCopy.reverb(0.5...0.5).apply(click, sampleRate: 16_000, seed: 1)
        #expect(wet.count == click.count)
        let late = wet[(1_000 + 800)..<(1_000 + 4_000)].map { Double($0 * $0) }.reduce(0, +)
        #expect(late > 0.01 * wet.map { Double($0 * $0) }.reduce(0, +), "no energy 50-250 ms after the click")
    }

    @Test func configKeysBecomeCopiesAndBadRangesAreRefused() throws {
        let json = #"{"noise_copies": [[5, 20]], "reverb_copies": [[0.2, 0.9]], "speed_copies": [0.9], "copy_probability": 0.5}"#
        let config = try TrainingConfig.decode(Data(json.utf8), yaml: false)
        try config.validate()
        #expect(config.audioCopies == [.speed(0.9), .noise(5...20), .reverb(0.2...0.9)])
        #expect(try TrainingConfig.decode(JSONEncoder().encode(config), yaml: false) == config)
        for bad in [#"{"noise_copies": [[20, 5]]}"#, #"{"noise_copies": [[5]]}"#, #"{"reverb_copies": [[0, 0.5]]}"#] {
            let wrong = try TrainingConfig.decode(Data(bad.utf8), yaml: false)
            #expect(throws: TrainingError.self, "\(bad)") { try wrong.validate() }
        }
    }
}
