import AudioDecoding

/// WAV bytes through the package's own encoder (libsndfile), for tests outside AudioDecoding.
public enum WAVEncoding {
    public static func encode(_ channels: [[Float]], sampleRate: Int, muLaw: Bool = false) throws -> [UInt8] {
        try AudioEncoder().encode(channels, sampleRate: sampleRate, format: muLaw ? .wavMuLaw : .wavPCM16)
    }
}
