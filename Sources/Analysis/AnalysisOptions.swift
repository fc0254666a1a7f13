public struct AnalysisOptions: Sendable, Equatable {
    /// Segment length, seconds; 0 = one segment covering the whole audio.
    public var segmentSeconds: Double
    /// Seconds between segment starts (defaults to `segmentSeconds`: adjacent segments).
    public var hopSeconds: Double?
    /// Detect silence and leave it out of the results.
    public var voiceActivityDetection: Bool
    /// Least speech a window needs to be scored, seconds.
    public var minimumSpeechSeconds: Double
    /// Most segments a timeline may have (nil = no limit).
    public var maximumSegments: Int?
    /// Audio up to this many samples per channel is kept from the first pass instead of being decoded
    /// again (the default, 2^18, is 16 s at 16 kHz: 1 MiB per channel). Longer audio is decoded twice:
    /// that costs a few ms per minute (PCM, or 8 kHz resampled), while keeping a 60 s clip would hold
    /// 4 MiB per request in flight.
    public var retainedSamplesLimit = 1 << 18
    /// Most windows scored at the same time, each on its own thread with its own session from the
    /// model's pool: a stereo call's channels, or a long recording's windows, use several cores. 1 =
    /// everything on the calling thread.
    public var parallelism = 1

    public init(segmentSeconds: Double = 0, hopSeconds: Double? = nil, voiceActivityDetection: Bool = true,
                minimumSpeechSeconds: Double = 0.25, maximumSegments: Int? = nil) {
        self.segmentSeconds = segmentSeconds
        self.hopSeconds = hopSeconds
        self.voiceActivityDetection = voiceActivityDetection
        self.minimumSpeechSeconds = minimumSpeechSeconds
        self.maximumSegments = maximumSegments
    }
}
