/// Decoded audio: one `[Float]` per channel (channels kept apart, e.g. agent and customer of a call),
/// samples in [-1, 1] for integer sources, at `sampleRate` Hz.
public struct DecodedAudio: Sendable {
    /// What the source bytes were (its own rate and channel count, before any resampling).
    public var source: AudioFormat
    /// Rate of the samples in `channels`, Hz.
    public var sampleRate: Int
    /// `channels[c][i]` is sample `i` of channel `c`; all channels have the same length.
    public var channels: [[Float]]

    public init(source: AudioFormat, sampleRate: Int, channels: [[Float]]) {
        precondition(!channels.isEmpty, "DecodedAudio needs at least one channel")
        precondition(channels.allSatisfy { $0.count == channels[0].count }, "channels differ in length")
        self.source = source
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Frames per channel.
    public var frameCount: Int { channels[0].count }

    /// Duration in seconds.
    public var durationSeconds: Double { Double(frameCount) / Double(sampleRate) }

    /// The mean of all channels, one mono signal (what "channels=mix" analyses).
    public func mixdown() -> [Float] {
        if channels.count == 1 { return channels[0] }
        var mix = [Float](repeating: 0, count: frameCount)
        let scale = 1 / Float(channels.count)
        mix.withUnsafeMutableBufferPointer { out in
            for channel in channels {
                channel.withUnsafeBufferPointer { input in
                    for i in 0..<input.count { out[i] += input[i] * scale }
                }
            }
        }
        return mix
    }

    /// The same audio at `targetRate` Hz, through the band-limited resampler (no-op if already there).
    public func resampled(to targetRate: Int, quality: Resampler.Quality = .high) -> DecodedAudio {
        if targetRate == sampleRate { return self }
        let resampler = Resampler(from: sampleRate, to: targetRate, quality: quality)
        return DecodedAudio(source: source, sampleRate: targetRate, channels: channels.map { resampler.resample($0) })
    }
}
