import Analysis
import Testing

@Suite("Conversation figures from speech masks")
struct ConversationTests {
    /// A mask of `seconds` at 10 ms frames, speech in the given `[start, end)` stretches.
    static func mask(_ seconds: Double, _ stretches: [(Double, Double)]) -> [Bool] {
        (0..<Int((seconds * 100).rounded())).map { t in
            let time = Double(t) / 100
            return stretches.contains { time >= $0.0 - 1e-9 && time < $0.1 - 1e-9 }
        }
    }

    @Test func pausesUnderHalfASecondStayInsideATurn() {
        let speech = Self.mask(6, [(0, 1), (1.3, 2), (2.6, 3), (4, 4.2)])
        let turns = SpeechTurns.turns(speech: speech, frameSeconds: 0.01)
        #expect(turns.count == 3)
        #expect(abs(turns[0].start - 0) < 1e-9 && abs(turns[0].end - 2) < 1e-9)  // 0.3 s pause kept inside
        #expect(abs(turns[1].start - 2.6) < 1e-9 && abs(turns[2].end - 4.2) < 1e-9)  // 0.6 s gap splits
    }

    /// Agent: 0-3 s, 5.5-7 s. Customer: 2.2-5 s (starts 0.8 s before the agent stops: an interruption),
    /// 6.8-7.1 s (a 0.2 s backchannel over the agent: not one), 8-9 s.
    @Test func overlapSilenceShareInterruptionsAndResponseGaps() {
        let agent = Self.mask(10, [(0, 3), (5.5, 7)])
        let customer = Self.mask(10, [(2.2, 5), (6.8, 7.1), (8, 9)])
        let turns = [agent, customer].map { SpeechTurns.turns(speech: $0, frameSeconds: 0.01) }
        let conversation = Conversation(speech: [agent, customer], turns: turns, frameSeconds: 0.01)
        #expect(abs(conversation.durationSeconds - 10) < 1e-9)
        #expect(abs(conversation.overlapSeconds - 1.0) < 0.011)  // 2.2-3 and 6.8-7
        #expect(abs(conversation.nonTalkSeconds - 2.4) < 0.011)  // 5-5.5, 7.1-8, 9-10
        #expect(abs(conversation.talkRatio[0] - 4.5 / 8.6) < 1e-3 && abs(conversation.talkRatio[1] - 4.1 / 8.6) < 1e-3)
        #expect(conversation.interruptions == [Conversation.Interruption(channel: 1, at: 2.2, interruptedChannel: 0)])
        // Gaps: customer 5 -> agent 5.5 (0.5); agent 7 -> customer 8 (1.0); customer's 7.1 end -> agent? no later agent turn.
        #expect(conversation.responseGapMedian.map { abs($0 - 0.75) < 1e-9 } == true)
    }

    @Test func talkLoudnessPitchAndRateOfAChannel() {
        let speech = Self.mask(4, [(1, 3)])
        let level = speech.enumerated().map { t, s in s ? Float(-20 - Double(t % 10)) : -80 }
        let pitch = speech.enumerated().map { t, s in s && t % 2 == 0 ? Float(100 + t % 100) : 0 }
        let channel = ChannelActivity(speech: speech, levelDecibels: level, pitchHertz: pitch, syllables: 8, frameSeconds: 0.01).conversation
        #expect(abs(channel.talkSeconds - 2) < 1e-9 && abs(channel.silenceSeconds - 2) < 1e-9)
        #expect(channel.turns.count == 1 && channel.meanTurnSeconds.map { abs($0 - 2) < 1e-9 } == true)
        #expect(channel.speechRate == 4)
        #expect(channel.loudnessMean.map { abs($0 + 24.5) < 1e-9 } == true)  // mean of -20...-29
        #expect(channel.loudnessP90.map { abs($0 + 20.9) < 1e-6 } == true)  // numpy.percentile(levels, 90)
        #expect(channel.pitchMedian.map { abs($0 - 149) < 1e-9 } == true)  // even frames 100-198, median of 100 values
        let silent = ChannelActivity(speech: [Bool](repeating: false, count: 50), levelDecibels: [Float](repeating: -90, count: 50),
                                     pitchHertz: [Float](repeating: 0, count: 50), syllables: 0, frameSeconds: 0.01).conversation
        #expect(silent.talkSeconds == 0 && silent.speechRate == nil && silent.loudnessMean == nil && silent.pitchMedian == nil && silent.turns.isEmpty)
    }

    @Test func valenceAndArousalComeFromTheCircumplex() throws {
        let labels = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
        let angry = try #require(EmotionCircumplex.coordinates([1, 0, 0, 0, 0, 0, 0], labels: labels))
        #expect(abs(angry.valence + 0.51) < 1e-9 && abs(angry.arousal - 0.59) < 1e-9)
        let mixed = try #require(EmotionCircumplex.coordinates([0, 0, 0, 0.5, 0, 0.5, 0], labels: labels))
        #expect(abs(mixed.valence - 0.09) < 1e-6 && abs(mixed.arousal - 0.12) < 1e-6)
        #expect(EmotionCircumplex.coordinates([0.5, 0.5], labels: ["low", "high"]) == nil)
    }
}
