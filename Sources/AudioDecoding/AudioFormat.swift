/// What the decoder found in the bytes: container, encoding, and the source stream's shape.
public struct AudioFormat: Sendable, Equatable, Codable {
    /// Container name, e.g. "wav", "flac", "ogg", "aiff", "mp3", "rf64", "w64", "caf", "au".
    public var container: String
    /// Sample encoding, e.g. "pcm_s16", "pcm_s24", "float32", "mulaw", "alaw", "vorbis", "opus", "mp3".
    public var encoding: String
    /// Source sample rate, Hz.
    public var sampleRate: Int
    /// Source channel count.
    public var channelCount: Int

    public init(container: String, encoding: String, sampleRate: Int, channelCount: Int) {
        self.container = container
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channelCount = channelCount
    }
}
