import Features

/// Per-frame tracks of every channel built while the audio streams past once: the frame level (dB,
/// `StreamingFrameEnergy`, the front-end's framing) and the speech detector's decisions
/// (`SpeechDetector`, causal, 10 ms frames). They decide which windows are scored and give each
/// channel's conversation figures. 1 + 4 bytes per channel and frame (the detectors prime their
/// noise floors from each channel's opening 1.6 s themselves).
struct ChannelTracks {
    private var energies: [StreamingFrameEnergy]
    private let detectors: [SpeechDetector]
    private var decisions: [[Bool]]

    /// Whether the front-end's framing is the detector's (16 kHz, 160-sample hop); other models get
    /// the level track only, and every frame counts as speech.
    static func supportsSpeechDetection(_ config: FeatureConfig) -> Bool {
        config.sampleRate == SpeechFeatureExtractor.sampleRate && config.hopLength == SpeechFeatureExtractor.hopLength
    }

    init(channels: Int, config: FeatureConfig) {
        energies = [StreamingFrameEnergy](repeating: StreamingFrameEnergy(config: config), count: channels)
        detectors = Self.supportsSpeechDetection(config) ? (0..<channels).map { _ in SpeechDetector() } : []
        decisions = [[Bool]](repeating: [], count: channels)
    }

    /// Samples per channel seen so far.
    var sampleCount: Int { energies.first?.sampleCount ?? 0 }

    mutating func append(_ block: [[Float]]) {
        for c in energies.indices { energies[c].append(block[c]) }
        for c in detectors.indices { block[c].withUnsafeBufferPointer { detectors[c].push($0, into: &decisions[c]) } }
    }

    /// The finished tracks: level (dB) and speech flags per frame, `1 + samples / hop` each.
    mutating func finish() -> (energy: [[Float]], speech: [[Bool]]) {
        let energy = energies.indices.map { energies[$0].finish() }
        for c in detectors.indices { detectors[c].finish(into: &decisions[c]) }
        let speech = detectors.isEmpty ? energy.map { [Bool](repeating: true, count: $0.count) } : decisions
        return (energy, speech)
    }
}
