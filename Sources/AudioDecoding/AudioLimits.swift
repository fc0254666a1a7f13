/// Bounds on what the decoder accepts, so that a hostile or mistaken upload costs bounded memory
/// and time. Every field is configurable by the service (flags / environment variables).
public struct AudioLimits: Sendable, Equatable {
    /// Longest audio accepted, seconds. Decoding stops as soon as the stream exceeds it, so a header
    /// that claims 10^12 frames or a "zip bomb" of compressed silence never allocates past the limit.
    public var maxDurationSeconds: Double
    /// Shortest audio accepted, seconds: below this there is not enough signal to analyse.
    public var minDurationSeconds: Double
    /// Most channels accepted (a stereo call is 2: agent and customer).
    public var maxChannels: Int
    /// Accepted source sample rates, Hz. 8 kHz telephone audio up to 384 kHz studio audio.
    public var sampleRateRange: ClosedRange<Int>

    public init(
        maxDurationSeconds: Double = 3600,
        minDurationSeconds: Double = 0.1,
        maxChannels: Int = 8,
        sampleRateRange: ClosedRange<Int> = 4000...384_000
    ) {
        precondition(maxDurationSeconds > 0 && minDurationSeconds >= 0 && maxChannels >= 1)
        self.maxDurationSeconds = maxDurationSeconds
        self.minDurationSeconds = minDurationSeconds
        self.maxChannels = maxChannels
        self.sampleRateRange = sampleRateRange
    }
}
