import Foundation

/// The signals of `Fixtures/speech-detector-priming.json` (recorded with these exact signals, so a
/// change here needs the old detector to record again: see `SpeechDetectorPrimingTests`).
enum PrimingSignals {
    static func all() -> [(String, [Float])] {
        let (speech, _) = SpeechSignals.syllables(seconds: 8, seed: 51)
        let pink = SpeechSignals.pink(seconds: 8, rms: 0.003, seed: 52)
        let (late, _) = SpeechSignals.syllables(seconds: 7, seed: 53)
        let opening = Array(late[16_000...])
        let white = SpeechSignals.white(seconds: 6, rms: 0.002, seed: 54)
        let fromFirstSample = zip(opening, white).map { $0 + $1 }
        let quiet = SpeechSignals.white(seconds: 4, rms: 0.001, seed: 55), loud = SpeechSignals.white(seconds: 1, rms: 0.03, seed: 56)
        var burst = quiet
        for i in 0..<loud.count { burst[8_000 + i] += loud[i] }
        let ring = SpeechSignals.tones([440, 480], seconds: 6, on: 2, off: 4, amplitude: 0.2)
        let floor = SpeechSignals.white(seconds: 6, rms: pow(10, -3.5), seed: 57)
        return [
            ("syllables in pink noise, speech after 1 s", zip(speech, pink).map { $0 + $1 }),
            ("syllables in white noise from the first sample", fromFirstSample),
            ("the same, 1.2 s (shorter than the opening)", Array(fromFirstSample.prefix(19_200))),
            ("1 s of loud noise within the opening", burst),
            ("ringback over a -70 dBFS floor", zip(ring, floor).map { $0 + $1 }),
        ]
    }
}
