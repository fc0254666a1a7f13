/// A turn: a stretch of one channel's speech, seconds from the start of the recording.
public struct Turn: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var duration: Double { end - start }

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

/// Turns from a per-frame speech mask.
///
/// The rule: a turn is a maximal stretch of speech frames in which no silence lasts
/// `minimumGapSeconds` (0.5 s) or more; shorter pauses (between words, a breath) stay inside the turn.
public enum SpeechTurns {
    public static let minimumGapSeconds = 0.5

    /// - Parameters:
    ///   - speech: one flag per frame.
    ///   - frameSeconds: frame hop, seconds (0.01 at the front-end's default).
    public static func turns(speech: [Bool], frameSeconds: Double, minimumGapSeconds: Double = minimumGapSeconds) -> [Turn] {
        let minimumGapFrames = Int((minimumGapSeconds / frameSeconds).rounded())
        var turns: [(start: Int, end: Int)] = []
        var t = 0
        while t < speech.count {
            guard speech[t] else { t += 1; continue }
            var end = t
            while end < speech.count && speech[end] { end += 1 }
            if let last = turns.last, t - last.end < minimumGapFrames {
                turns[turns.count - 1].end = end
            } else {
                turns.append((t, end))
            }
            t = end
        }
        return turns.map { Turn(start: Double($0.start) * frameSeconds, end: Double($0.end) * frameSeconds) }
    }
}
