import Features
import Foundation
import Testing

/// Behaviour of `SpeechDetector` that matters to the service: tones and noise alone are not speech,
/// speech-like sound in noise is, and the streaming and whole-array forms agree whatever the gain or
/// the block sizes. (Accuracy on real corpora and cost are measured by benchmarks/vad.)
@Suite("Speech detector")
struct SpeechDetectorTests {
    static func speechFraction(_ x: [Float]) -> Double {
        let decisions = SpeechDetector.detect(x)
        return Double(decisions.filter { $0 }.count) / Double(max(1, decisions.count))
    }

    static func f1(_ decisions: [Bool], _ reference: [Bool]) -> Double {
        var tp = 0, fp = 0, fn = 0
        for (d, r) in zip(decisions, reference) {
            if d && r { tp += 1 } else if d { fp += 1 } else if r { fn += 1 }
        }
        return 2 * Double(tp) / Double(max(1, 2 * tp + fp + fn))
    }

    static func tone(_ name: String) -> [Float] {
        switch name {
        case "ringback": SpeechSignals.tones([440, 480], seconds: 14, on: 2, off: 4, amplitude: 0.2)
        case "busy": SpeechSignals.tones([480, 620], seconds: 10, on: 0.5, off: 0.5, amplitude: 0.2)
        case "dial tone": SpeechSignals.tones([350, 440], seconds: 6, on: 6, off: 0, amplitude: 0.2)
        case "1 kHz": SpeechSignals.tones([1000], seconds: 6, on: 6, off: 0, amplitude: 0.3)
        case "DTMF": SpeechSignals.dtmf(seconds: 12, amplitude: 0.2, seed: 3)
        case "50 Hz hum": SpeechSignals.hum(f0: 50, seconds: 6, amplitude: 0.1)
        default: SpeechSignals.hum(f0: 60, seconds: 6, amplitude: 0.1)
        }
    }

    /// Ringback 440+480 Hz 2 s on / 4 s off, busy 480+620 Hz 0.5 / 0.5 s, dial tone 350+440 Hz, a 1 kHz
    /// test tone, DTMF digits, 50 and 60 Hz hum with harmonics; digital silence between the tones, and
    /// the same over a −70 dBFS noise floor.
    @Test("call-progress tones and hum alone are not speech",
          arguments: ["ringback", "busy", "dial tone", "1 kHz", "DTMF", "50 Hz hum", "60 Hz hum"])
    func tonesAreNotSpeech(name: String) {
        let signal = Self.tone(name)
        let fraction = Self.speechFraction(signal)
        #expect(fraction < 0.02, "\(name): \(fraction * 100)% of frames called speech")
        let floor = SpeechSignals.white(seconds: Double(signal.count) / 16_000, rms: pow(10, -3.5), seed: 9)
        let withFloor = Self.speechFraction(zip(signal, floor).map { $0 + $1 })
        // Known weakness: hard-keyed DTMF digits 53 dB over a −70 dBFS floor leak enough spectral splatter
        // and side lobes above the floor that 4% of frames (0.5 s of 12 s) pass unprimed, 16% with the
        // floor primed from the opening (the default since priming moved into the detector; the service
        // primed before too), and benchmarks/vad finds 0.5-0.8% on its DTMF tracks. Kept visible rather
        // than loosened.
        withKnownIssue("DTMF over a low noise floor: onset splatter", isIntermittent: true) {
            #expect(withFloor < 0.02, "\(name) over a noise floor: \(withFloor * 100)% of frames called speech")
        } when: { name == "DTMF" }
    }

    /// The service refuses a file with under 0.25 s of speech (`no_speech`). Five-second clips that
    /// open on a tone burst (the floor is primed on it) and then key it again after a pause: the
    /// burst onsets, whose first 60 ms have nothing steady to compare with, are tones too
    /// (`toneOnsetSNRDecibels`). Without that rule 4 of these 18 clips passed (0.33-2.0 s).
    @Test("a short clip of a call-progress tone keeps under the service's 0.25 s of speech",
          arguments: ["ringback", "busy", "DTMF"])
    func shortToneClipsAreRefused(name: String) {
        for offset in [0.0, 0.7, 1.9] {
            let start = Int(offset * 16_000)
            let clip = Array(Self.tone(name)[start..<(start + 80_000)])
            for floor in [0.0, pow(10, -75.0 / 20)] {
                let noise = SpeechSignals.white(seconds: 5, rms: floor, seed: 4)
                let decisions = SpeechDetector.detect(zip(clip, noise).map { $0 + $1 })
                let seconds = Double(decisions.filter { $0 }.count) / 100
                // Known weakness over a −75 dBFS floor: after a burst ends, the 1 s running averages
                // still carry the tone, so the perceptron calls a few frames 1-3 dB over the floor
                // speech and they extend the segment the burst's ragged edges opened (ringback from
                // 1.9 s: 0.26 s; DTMF from 0 reached 0.3 s before seeds had to be voiced). Kept
                // visible rather than loosened.
                withKnownIssue("tone tails over a low noise floor", isIntermittent: true) {
                    #expect(seconds < 0.25, "\(name) from \(offset) s, floor \(floor): \(seconds) s called speech")
                } when: { floor > 0 && name != "busy" }
            }
        }
    }

    @Test("white and pink noise alone are not speech, at any level", arguments: [-70.0, -40.0, -10.0])
    func noiseIsNotSpeech(levelDecibels: Double) {
        let rms = pow(10, levelDecibels / 20)
        for (name, x) in [("white", SpeechSignals.white(seconds: 8, rms: rms, seed: 11)),
                          ("pink", SpeechSignals.pink(seconds: 8, rms: rms, seed: 12))] {
            let fraction = Self.speechFraction(x)
            #expect(fraction < 0.02, "\(name) noise at \(levelDecibels) dBFS: \(fraction * 100)% of frames called speech")
        }
    }

    /// Steady noise whose level jumps (comfort noise, a line switched): the floor follows a rise only
    /// after its 1.6 s memory, so for that long the noise stands over it like a talker; broadband noise
    /// has no vowel to seed a segment (`seedHarmonicity`). One case is a 1 s burst 30 dB over the line
    /// within the opening the floor is primed on, which passed for speech before that rule.
    @Test("noise that grows louder is not speech", arguments: [(0.5, 1.0, 30.0), (2.5, 3.5, 15.0), (2.0, 4.0, 20.0)])
    func noiseLevelSteps(start: Double, length: Double, stepDecibels: Double) {
        var x = SpeechSignals.white(seconds: 7, rms: 0.001, seed: 55)
        let loud = SpeechSignals.pink(seconds: length, rms: 0.001 * pow(10, stepDecibels / 20), seed: 56)
        for i in loud.indices { x[Int(start * 16_000) + i] = loud[i] }
        let speech = Double(SpeechDetector.detect(x).filter { $0 }.count) / 100
        #expect(speech < 0.25, "noise \(stepDecibels) dB louder from \(start) s: \(speech) s called speech")
    }

    @Test("noise starting after digital silence is not speech")
    func noiseAfterSilence() {
        let x = [Float](repeating: 0, count: 16_000) + SpeechSignals.white(seconds: 6, rms: 0.01, seed: 5)
        let decisions = SpeechDetector.detect(x)
        #expect(Double(decisions.filter { $0 }.count) / 100 < 0.25, "speech found in noise after silence: \(decisions.filter { $0 }.count) frames")
    }

    /// A VoIP leg with silence suppression sends nothing in pauses: its recording holds exact zeros
    /// there and the line's noise only around the talk. The floor (and the running averages) hold over
    /// the zeros instead of falling to nothing, so speech after them is found as well as before.
    /// (Before the hold: frame F1 0.03 at 10 dB and 0.11 at 5 dB here.)
    @Test("speech after seconds of digital silence (silence suppression) is found", arguments: [10.0, 5.0])
    func speechAfterDigitalSilence(snrDecibels: Double) {
        let (speech, speechFrames) = SpeechSignals.syllables(seconds: 24, seed: 24)
        let rms = SpeechSignals.rms(speech, where: speechFrames) / pow(10, snrDecibels / 20)
        let recorded = zip(speech, SpeechSignals.white(seconds: 24, rms: rms, seed: 25)).map { $0 + $1 }
        // Phrases 0.6-1.5 s apart, every pause stretched by 3 s of zeros; the noise kept from 50 ms
        // before a phrase to 200 ms after it.
        var x: [Float] = [], reference: [Bool] = []
        var wasOnLine = false
        for t in 0..<(speechFrames.count - 1) {
            let onLine = (max(0, t - 20)...min(speechFrames.count - 1, t + 5)).contains { speechFrames[$0] }
            if wasOnLine && !onLine {
                x += [Float](repeating: 0, count: 48_000)
                reference += [Bool](repeating: false, count: 300)
            }
            wasOnLine = onLine
            let frame: ArraySlice<Float> = recorded[(t * 160)..<(t * 160 + 160)]
            x += onLine ? Array(frame) : [Float](repeating: 0, count: 160)
            reference.append(speechFrames[t])
        }
        reference.append(false)
        let decisions = SpeechDetector.detect(x)
        let score = Self.f1(decisions, reference)
        let silentFrames = (0..<decisions.count).filter { t in x[max(0, t * 160 - 300)..<min(x.count, t * 160 + 300)].allSatisfy { $0 == 0 } }
        #expect(score > 0.85, "\(snrDecibels) dB, silence-suppressed: frame F1 \(score)")
        #expect(silentFrames.count > 1000 && silentFrames.allSatisfy { !decisions[$0] }, "digital silence called speech")
    }

    @Test("a speech-like vowel sequence in white and pink noise at 10 dB SNR is found")
    func syllablesInNoise() {
        let (speech, reference) = SpeechSignals.syllables(seconds: 20, seed: 21)
        let speechRMS = SpeechSignals.rms(speech, where: reference)
        for (name, noise) in [("white", SpeechSignals.white(seconds: 20, rms: speechRMS / pow(10, 0.5), seed: 22)),
                              ("pink", SpeechSignals.pink(seconds: 20, rms: speechRMS / pow(10, 0.5), seed: 23))] {
            let decisions = SpeechDetector.detect(zip(speech, noise).map { $0 + $1 })
            let score = Self.f1(decisions, reference)
            let found = zip(decisions, reference).filter { $0 && $1 }.count, called = decisions.filter { $0 }.count
            #expect(score > 0.85, "\(name) noise, 10 dB: frame F1 \(score), \(found) of \(reference.filter { $0 }.count) speech frames found, \(called) called speech")
        }
    }

    @Test("streaming in any block sizes gives the whole-array decisions", arguments: [1, 7, 160, 333, 4096])
    func streamingMatchesWholeArray(blockSize: Int) {
        let (speech, _) = SpeechSignals.syllables(seconds: 6, seed: 31)
        let noise = SpeechSignals.pink(seconds: 6, rms: 0.01, seed: 32)
        let x = zip(speech, noise).map { $0 + $1 }
        let whole = SpeechDetector.detect(x)
        let detector = SpeechDetector()
        var streamed: [Bool] = []
        var i = 0
        while i < x.count {
            streamed += detector.push(Array(x[i..<min(x.count, i + blockSize)]))
            i += blockSize
        }
        streamed += detector.finish()
        #expect(whole.count == 1 + x.count / 160)
        #expect(streamed == whole)
    }

    @Test("decisions come out with the documented latency (no priming)")
    func latency() {
        var configuration = SpeechDetectorConfiguration()
        configuration.primingSamples = 0
        let detector = SpeechDetector(configuration: configuration)
        var total = 0
        for step in [100, 173, 160, 999, 1, 4000, 321] {
            total += detector.push(SpeechSignals.white(seconds: Double(step) / 16_000, rms: 0.01, seed: UInt64(step))).count
            // Frame t is decided once sample 160·t + latencySamples has been pushed.
            let expected = max(0, (detector.sampleCount - 1 - configuration.latencySamples) / 160 + 1)
            #expect(total == (detector.sampleCount > configuration.latencySamples ? expected : 0))
        }
    }

    @Test("gain does not change the decisions")
    func gainInvariance() {
        let (speech, reference) = SpeechSignals.syllables(seconds: 12, seed: 41)
        let noise = SpeechSignals.white(seconds: 12, rms: SpeechSignals.rms(speech, where: reference) / pow(10, 0.75), seed: 42)
        let x = zip(speech, noise).map { $0 + $1 }
        let base = SpeechDetector.detect(x)
        // ±30.1 dB (2^±5) scales every intermediate value exactly: identical decisions.
        for gain: Float in [32, 1.0 / 32] { #expect(SpeechDetector.detect(x.map { $0 * gain }) == base) }
        // ±30 dB exactly: rounding differs, decisions agree on (nearly) every frame.
        for gain in [Float(pow(10, 1.5)), Float(pow(10, -1.5))] {
            let scaled = SpeechDetector.detect(x.map { $0 * gain })
            let agreement = Double(zip(scaled, base).filter { $0 == $1 }.count) / Double(base.count)
            #expect(agreement > 0.995, "gain \(gain): \(agreement * 100)% of frames agree")
        }
    }
}
