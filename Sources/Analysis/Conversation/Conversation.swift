/// What happens between the channels of a call analysed apart (agent and customer): overlap, silence,
/// each party's share of the talk, interruptions and how fast one answers the other. Seconds.
public struct Conversation: Sendable, Equatable {
    /// One turn starting while another channel's turn is under way, overlapping it.
    public struct Interruption: Sendable, Equatable {
        /// The channel that interrupted, and when its turn started.
        public var channel: Int
        public var at: Double
        /// The channel whose turn was interrupted.
        public var interruptedChannel: Int

        public init(channel: Int, at: Double, interruptedChannel: Int) {
            self.channel = channel
            self.at = at
            self.interruptedChannel = interruptedChannel
        }
    }

    public var durationSeconds: Double
    /// Seconds in which two or more channels speak.
    public var overlapSeconds: Double
    /// Seconds in which no channel speaks.
    public var nonTalkSeconds: Double
    /// Each channel's share of all talk (sums to 1; all 0 when nobody spoke).
    public var talkRatio: [Double]
    public var interruptions: [Interruption]
    /// Median silence between one channel's turn end and another channel's next turn start, seconds;
    /// nil when no turn follows another party's.
    public var responseGapMedian: Double?

    /// The rule of an interruption: the interrupting turn starts strictly inside another channel's turn
    /// and the two overlap by at least this long.
    public static let interruptionOverlapSeconds = 0.5

    /// The conversation of `channels` (their speech masks at one frame rate, equal lengths) with their turns.
    public init(speech channels: [[Bool]], turns: [[Turn]], frameSeconds: Double) {
        let frames = channels.map(\.count).max() ?? 0
        var overlap = 0, silent = 0
        for t in 0..<frames {
            let speaking = channels.reduce(0) { $0 + (t < $1.count && $1[t] ? 1 : 0) }
            if speaking >= 2 { overlap += 1 } else if speaking == 0 { silent += 1 }
        }
        durationSeconds = Double(frames) * frameSeconds
        overlapSeconds = Double(overlap) * frameSeconds
        nonTalkSeconds = Double(silent) * frameSeconds
        let talk = channels.map { Double($0.lazy.filter { $0 }.count) }
        let total = talk.reduce(0, +)
        talkRatio = talk.map { total > 0 ? $0 / total : 0 }
        interruptions = Self.interruptions(turns)
        responseGapMedian = Self.responseGaps(turns).sorted().middle
    }

    static func interruptions(_ turns: [[Turn]]) -> [Interruption] {
        var found: [Interruption] = []
        for (channel, own) in turns.enumerated() {
            for turn in own {
                for (other, theirs) in turns.enumerated() where other != channel {
                    let interrupted = theirs.contains { them in
                        them.start < turn.start && turn.start < them.end
                            && min(them.end, turn.end) - turn.start >= interruptionOverlapSeconds
                    }
                    if interrupted { found.append(Interruption(channel: channel, at: turn.start, interruptedChannel: other)) }
                }
            }
        }
        return found.sorted { ($0.at, $0.channel) < ($1.at, $1.channel) }
    }

    /// For every turn end, the silence until the next turn of another channel that starts after it,
    /// when no turn (of any channel) starts in between.
    static func responseGaps(_ turns: [[Turn]]) -> [Double] {
        let all = turns.enumerated().flatMap { channel, own in own.map { (channel: channel, turn: $0) } }.sorted { $0.turn.start < $1.turn.start }
        var gaps: [Double] = []
        for (channel, turn) in all {
            guard let next = all.first(where: { $0.turn.start >= turn.end }), next.channel != channel else { continue }
            gaps.append(next.turn.start - turn.end)
        }
        return gaps
    }
}

extension Array where Element == Double {
    /// The median of sorted values; nil when empty.
    fileprivate var middle: Double? {
        guard !isEmpty else { return nil }
        return count % 2 == 1 ? self[count / 2] : (self[count / 2 - 1] + self[count / 2]) / 2
    }
}
