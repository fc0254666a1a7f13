import Analysis

/// `channels[i].conversation` (`ChannelConversation` in openapi.yaml): seconds, syllables per second,
/// dBFS and Hz; statistics are null when the channel has no speech (or no voiced speech, for pitch).
struct ChannelConversationBody: Encodable {
    struct Loudness: Encodable {
        var mean: Double?
        var p90: Double?
    }

    struct Pitch: Encodable {
        var median: Double?
        var p10: Double?
        var p90: Double?
    }

    var talkSeconds: Double?
    var silenceSeconds: Double?
    var turns: Int
    var meanTurnSeconds: Double?
    var speechRate: Double?
    var loudness: Loudness
    var pitch: Pitch

    init(_ conversation: ChannelConversation) {
        talkSeconds = rounded(conversation.talkSeconds, digits: 2)
        silenceSeconds = rounded(conversation.silenceSeconds, digits: 2)
        turns = conversation.turns.count
        meanTurnSeconds = conversation.meanTurnSeconds.flatMap { rounded($0, digits: 2) }
        speechRate = conversation.speechRate.flatMap { rounded($0, digits: 2) }
        loudness = Loudness(mean: conversation.loudnessMean.flatMap { rounded($0, digits: 1) },
                            p90: conversation.loudnessP90.flatMap { rounded($0, digits: 1) })
        pitch = Pitch(median: conversation.pitchMedian.flatMap { rounded($0, digits: 1) },
                      p10: conversation.pitchP10.flatMap { rounded($0, digits: 1) },
                      p90: conversation.pitchP90.flatMap { rounded($0, digits: 1) })
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(talkSeconds, forKey: DynamicKey("talk_s"))
        try container.encode(silenceSeconds, forKey: DynamicKey("silence_s"))
        try container.encode(turns, forKey: DynamicKey("turns"))
        try container.encode(meanTurnSeconds, forKey: DynamicKey("mean_turn_s"))
        try container.encode(speechRate, forKey: DynamicKey("speech_rate"))
        var level = container.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("loudness_dbfs"))
        try level.encode(loudness.mean, forKey: DynamicKey("mean"))
        try level.encode(loudness.p90, forKey: DynamicKey("p90"))
        var f0 = container.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("pitch_hz"))
        try f0.encode(pitch.median, forKey: DynamicKey("median"))
        try f0.encode(pitch.p10, forKey: DynamicKey("p10"))
        try f0.encode(pitch.p90, forKey: DynamicKey("p90"))
    }
}

/// The top-level `conversation` (`Conversation` in openapi.yaml) of a call whose channels were analysed
/// apart: seconds, shares, and who interrupted whom.
struct ConversationBody: Encodable {
    struct Share: Encodable {
        var channel: Int
        var role: String?
        var ratio: Double?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: DynamicKey.self)
            try container.encode(channel, forKey: DynamicKey("channel"))
            try container.encode(role, forKey: DynamicKey("role"))
            try container.encode(ratio, forKey: DynamicKey("ratio"))
        }
    }

    struct Interruption: Encodable {
        var channel: Int
        var role: String?
        var at: Double?
        var interruptedChannel: Int
        var interruptedRole: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: DynamicKey.self)
            try container.encode(channel, forKey: DynamicKey("channel"))
            try container.encode(role, forKey: DynamicKey("role"))
            try container.encode(at, forKey: DynamicKey("at_s"))
            try container.encode(interruptedChannel, forKey: DynamicKey("interrupted_channel"))
            try container.encode(interruptedRole, forKey: DynamicKey("interrupted_role"))
        }
    }

    var durationSeconds: Double?
    var overlapSeconds: Double?
    var nonTalkSeconds: Double?
    var talkRatio: [Share]
    var interruptions: [Interruption]
    var responseGapMedian: Double?

    /// - Parameter roles: each channel's role (by analysis channel index), nil where none was given.
    init(_ conversation: Conversation, channelIndices: [Int], roles: [String?]) {
        durationSeconds = rounded(conversation.durationSeconds, digits: 2)
        overlapSeconds = rounded(conversation.overlapSeconds, digits: 2)
        nonTalkSeconds = rounded(conversation.nonTalkSeconds, digits: 2)
        talkRatio = conversation.talkRatio.enumerated().map {
            Share(channel: channelIndices[$0.offset], role: roles[$0.offset], ratio: rounded($0.element, digits: 3))
        }
        interruptions = conversation.interruptions.map {
            Interruption(channel: channelIndices[$0.channel], role: roles[$0.channel], at: rounded($0.at, digits: 2),
                         interruptedChannel: channelIndices[$0.interruptedChannel], interruptedRole: roles[$0.interruptedChannel])
        }
        responseGapMedian = conversation.responseGapMedian.flatMap { rounded($0, digits: 2) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(durationSeconds, forKey: DynamicKey("duration_s"))
        try container.encode(overlapSeconds, forKey: DynamicKey("overlap_s"))
        try container.encode(nonTalkSeconds, forKey: DynamicKey("non_talk_s"))
        try container.encode(talkRatio, forKey: DynamicKey("talk_ratio"))
        try container.encode(interruptions, forKey: DynamicKey("interruptions"))
        var gap = container.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("response_gap_s"))
        try gap.encode(responseGapMedian, forKey: DynamicKey("median"))
    }
}
