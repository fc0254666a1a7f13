/// Bounds on what the decoder accepts, so that a hostile or mistaken upload costs bounded memory
/// and time. Every field is configurable by the service (flags / environment variables).
public struct AudioLimits: Sendable, Equatable {
    /// Longest audio accepted, seconds. Decoding stops as soon as the stream exceeds it, so a header
    /// that claims 10^12 frames or a "zip bomb" of compressed silence never allocates past the limit.
    public var maxDurationSeconds: Double
    /// Most decoded samples accepted, over all channels (frames × channels): the bound on decoding work,
    /// and on memory where the whole signal is collected (`AudioDecoder.decode`, 4 bytes a sample; the
    /// service's streaming analysis holds only blocks). The duration limit alone does not bound it, because a small FLAC of
    /// silence can declare 8 channels at 384 kHz: an hour of that is 11·10⁹ samples (44 GB), from a
    /// 12 MB body. The default, 115 200 000 samples (≈ 460 MB of floats), is an hour of 16 kHz stereo
    /// or of 8 kHz 4-channel audio; longer-than-allowed audio at higher rates or channel counts gets
    /// `tooLong` with the duration that fits at its rate and channel count.
    public var maxSamples: Int
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
        sampleRateRange: ClosedRange<Int> = 4000...384_000,
        maxSamples: Int = 115_200_000
    ) {
        precondition(maxDurationSeconds > 0 && minDurationSeconds >= 0 && maxChannels >= 1 && maxSamples >= 1)
        self.maxDurationSeconds = maxDurationSeconds
        self.maxSamples = maxSamples
        self.minDurationSeconds = minDurationSeconds
        self.maxChannels = maxChannels
        self.sampleRateRange = sampleRateRange
    }
}
