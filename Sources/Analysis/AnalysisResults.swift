/// Probabilities for some stretch of audio, and how much speech they rest on.
public struct EmotionEstimate: Sendable, Equatable {
    /// In the model's label order; nil when the stretch held no speech.
    public var probabilities: [Float]?
    /// Seconds of speech behind the estimate (all analysed seconds when VAD is off).
    public var speechSeconds: Double

    /// Index of the most probable label.
    public var topIndex: Int? {
        guard let probabilities else { return nil }
        return probabilities.indices.max { probabilities[$0] < probabilities[$1] }
    }

    /// The weighted mean of several estimates (weights = speech seconds).
    public static func combine(_ estimates: [EmotionEstimate]) -> EmotionEstimate {
        var sum: [Float]?
        var weight = 0.0
        for estimate in estimates {
            guard let p = estimate.probabilities, estimate.speechSeconds > 0 else { continue }
            let w = Float(estimate.speechSeconds)
            sum = sum.map { zip($0, p).map { $0 + $1 * w } } ?? p.map { $0 * w }
            weight += estimate.speechSeconds
        }
        guard let sum, weight > 0 else { return EmotionEstimate(probabilities: nil, speechSeconds: 0) }
        let total = sum.reduce(0, +)
        return EmotionEstimate(probabilities: sum.map { $0 / total }, speechSeconds: weight)
    }
}

/// One segment of the timeline.
public struct SegmentEstimate: Sendable, Equatable {
    public var startSeconds: Double
    public var endSeconds: Double
    public var estimate: EmotionEstimate
    public var speech: Bool { estimate.probabilities != nil }
}

/// The analysis of one channel: the whole-channel estimate, the timeline, and what the channel's
/// speech looks like (talk, turns, rate, loudness, pitch).
public struct ChannelAnalysis: Sendable {
    public var overall: EmotionEstimate
    public var segments: [SegmentEstimate]
    public var conversation: ChannelConversation
}

/// The analysis of every channel of a source, with where the time went.
public struct SourceAnalysis: Sendable {
    public var channels: [ChannelAnalysis]
    /// Between the channels (overlap, interruptions, response gaps), for two or more channels.
    public var conversation: Conversation?
    /// Samples per channel at the model's rate.
    public var sampleCount: Int
    /// Seconds spent decoding (both passes), computing features (energy, voice activity, network
    /// input) and in the network.
    public var decodeSeconds: Double
    public var featureSeconds: Double
    public var inferenceSeconds: Double
}
