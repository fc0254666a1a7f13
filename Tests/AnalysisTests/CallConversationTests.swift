import Analysis
import AudioDecoding
import Foundation
import Model
import Testing
import TestSupport

/// A two-channel call built from real utterances of the shared corpora placed at known times, with
/// white noise at 10 dB SNR on each channel (throughout, or only around the talk: silence suppression):
/// the conversation figures the service reports must match
/// the ones the placement implies (talk time within 5%, overlap within 0.2 s, the interruption found
/// exactly and nothing else taken for one).
@Suite("Conversation figures of a constructed call")
struct CallConversationTests {
    /// Speech frames of a clean utterance (the speech-detection benchmark's reference rule): frame
    /// energy above the loudest frame − 35 dB and the file's quietest 50 ms + 10 dB, gaps under 200 ms closed.
    static func referenceSpeech(_ x: [Float]) -> [Bool] {
        let frames = 1 + x.count / 160
        let energy = (0..<frames).map { t -> Double in
            let lo = max(0, t * 160 - 200), hi = min(x.count, t * 160 + 200)
            let power = x[lo..<max(lo, hi)].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, hi - lo))
            return 10 * log10(max(power, 1e-12))
        }
        let loudest = energy.max() ?? -120, floor = energy.sorted()[min(energy.count - 1, 5)]
        var speech = energy.map { $0 > loudest - 35 && $0 > floor + 10 }
        var last: Int?
        for t in speech.indices where speech[t] {
            if let l = last, t - l > 1, t - l <= 20 { for g in l..<t { speech[g] = true } }
            last = t
        }
        return speech
    }

    static func utterance(_ path: String) throws -> [Float] {
        let data = try #require(SharedData.directory)
        let bytes = try [UInt8](Data(contentsOf: data.appendingPathComponent(path)))
        return try AudioDecoder().decode(bytes, resamplingTo: 16_000).mixdown()
    }

    /// As recorded, and with silence suppression (a VoIP leg that sends nothing in pauses: the noise
    /// only from 50 ms before each utterance to 200 ms after it, exact digital zeros elsewhere, here
    /// 3-7 s of them before each channel's second utterance).
    @Test(.enabled(if: SharedData.directory != nil, Comment(rawValue: SharedData.skipMessage)),
          arguments: [false, true])
    func talkOverlapAndInterruptionsOfAKnownCall(silenceSuppressed: Bool) throws {
        let seconds = 14.0, n = Int(seconds * 16000)
        // Agent: two EMO-DB utterances; customer: one starting 1 s into the agent's first (an
        // interruption), and one later that answers the agent's second after a gap.
        let placements: [[(String, Double)]] = [
            [("emodb/03a01Fa.flac", 0.5), ("emodb/08a01Fd.flac", 6.5)],
            [("emodb/10a04Wa.flac", 1.5), ("emodb/13a01Ac.flac", 10.5)],
        ]
        var channels = [[Float]](repeating: [Float](repeating: 0, count: n), count: 2)
        var reference = [[Bool]](repeating: [Bool](repeating: false, count: 1 + n / 160), count: 2)
        var random = SeededRandom(seed: 16)
        for (c, utterances) in placements.enumerated() {
            var activePower = 0.0, activeCount = 0
            var line = [Bool](repeating: !silenceSuppressed, count: n)
            for (path, start) in utterances {
                let x = try Self.utterance(path), offset = Int(start * 16000)
                for i in max(0, offset - 800)..<min(n, offset + x.count + 3200) { line[i] = true }
                let speech = Self.referenceSpeech(x)
                for (i, v) in x.enumerated() where offset + i < n { channels[c][offset + i] = v * 0.5 }
                for (t, s) in speech.enumerated() where s && offset / 160 + t < reference[c].count {
                    reference[c][offset / 160 + t] = true
                    let lo = t * 160, hi = min(x.count, lo + 160)
                    for i in lo..<hi { activePower += Double(x[i] * 0.5) * Double(x[i] * 0.5); activeCount += 1 }
                }
            }
            // White noise 10 dB under the speech's active power.
            let noiseRMS = Float((activePower / Double(activeCount) / 10).squareRoot() * 3.0.squareRoot())
            for i in 0..<n {
                let noise = (random.uniform() * 2 - 1) * noiseRMS
                channels[c][i] = line[i] ? channels[c][i] + noise : 0
            }
        }
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try EmotionModel(contentsOfFile: TinyModel.write(to: directory))
        let analysis = try model.withSession { try $0.analyze(InMemorySamples(channels: channels), options: AnalysisOptions(segmentSeconds: 2)) }
        let expectedTurns = reference.map { SpeechTurns.turns(speech: $0, frameSeconds: 0.01) }
        let expected = Conversation(speech: reference, turns: expectedTurns, frameSeconds: 0.01)
        let got = try #require(analysis.conversation)
        for c in 0..<2 {
            let talk = analysis.channels[c].conversation.talkSeconds, reference = Double(reference[c].filter { $0 }.count) * 0.01
            #expect(abs(talk - reference) <= 0.05 * reference, "channel \(c): talk \(talk) s, placed \(reference) s")
        }
        #expect(abs(got.overlapSeconds - expected.overlapSeconds) <= 0.2, "overlap \(got.overlapSeconds) s, placed \(expected.overlapSeconds) s")
        #expect(expected.interruptions.map(\.channel) == [1])
        #expect(got.interruptions.map(\.channel) == expected.interruptions.map(\.channel), "\(got.interruptions) vs \(expected.interruptions)")
        #expect(zip(got.interruptions, expected.interruptions).allSatisfy { abs($0.at - $1.at) <= 0.2 && $0.interruptedChannel == $1.interruptedChannel })
    }
}
