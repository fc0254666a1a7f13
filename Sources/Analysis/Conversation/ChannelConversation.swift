/// What a contact-centre team reads about one channel (one party) of a call: how much they talked, in
/// how many turns, how fast, how loud and at what pitch. Seconds, syllables per second, dBFS and Hz.
public struct ChannelConversation: Sendable, Equatable {
    /// Seconds of speech.
    public var talkSeconds: Double
    /// Seconds without speech (the channel's length minus `talkSeconds`).
    public var silenceSeconds: Double
    /// The channel's turns (see `SpeechTurns` for the rule).
    public var turns: [Turn]
    /// Syllables per second of speech (de Jong & Wempe's articulation rate); nil without speech.
    public var speechRate: Double?
    /// Frame level over speech frames, dBFS: mean and 90th percentile; nil without speech.
    public var loudnessMean: Double?
    public var loudnessP90: Double?
    /// Pitch over voiced speech frames, Hz: median, 10th and 90th percentiles; nil when none is voiced.
    public var pitchMedian: Double?
    public var pitchP10: Double?
    public var pitchP90: Double?

    /// Mean turn length, seconds; nil without turns.
    public var meanTurnSeconds: Double? {
        turns.isEmpty ? nil : turns.reduce(0) { $0 + $1.duration } / Double(turns.count)
    }
}

/// The per-frame tracks of one channel that its conversation figures come from, all at one frame rate.
public struct ChannelActivity: Sendable {
    /// Speech flag per frame.
    public var speech: [Bool]
    /// Frame level, dBFS (`10·log10` of the mean square; full-scale sine ≈ −3 dBFS).
    public var levelDecibels: [Float]
    /// F0 per frame, Hz; 0 where unvoiced or not tracked.
    public var pitchHertz: [Float]
    /// Syllable nuclei found in the speech.
    public var syllables: Int
    /// Frame hop, seconds.
    public var frameSeconds: Double

    public init(speech: [Bool], levelDecibels: [Float], pitchHertz: [Float], syllables: Int, frameSeconds: Double) {
        precondition(levelDecibels.count == speech.count && pitchHertz.count == speech.count, "ChannelActivity: one value per frame")
        self.speech = speech
        self.levelDecibels = levelDecibels
        self.pitchHertz = pitchHertz
        self.syllables = syllables
        self.frameSeconds = frameSeconds
    }

    /// The channel's figures.
    public var conversation: ChannelConversation {
        let speechFrames = speech.indices.filter { speech[$0] }
        let talk = Double(speechFrames.count) * frameSeconds
        let levels = speechFrames.map { Double(levelDecibels[$0]) }.sorted()
        let pitches = speechFrames.compactMap { pitchHertz[$0] > 0 ? Double(pitchHertz[$0]) : nil }.sorted()
        return ChannelConversation(
            talkSeconds: talk, silenceSeconds: Double(speech.count) * frameSeconds - talk,
            turns: SpeechTurns.turns(speech: speech, frameSeconds: frameSeconds),
            speechRate: talk > 0 ? Double(syllables) / talk : nil,
            loudnessMean: levels.isEmpty ? nil : levels.reduce(0, +) / Double(levels.count),
            loudnessP90: Self.percentile(levels, 90),
            pitchMedian: Self.percentile(pitches, 50), pitchP10: Self.percentile(pitches, 10), pitchP90: Self.percentile(pitches, 90))
    }

    /// Linear-interpolated percentile of sorted values (numpy's default); nil when empty.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let position = p / 100 * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
