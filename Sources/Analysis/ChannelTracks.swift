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
    private let hopLength: Int
    private var finished = false

    /// Whether the front-end's framing is the detector's (16 kHz, 160-sample hop); other models get
    /// the level track only, and every frame counts as speech.
    static func supportsSpeechDetection(_ config: FeatureConfig) -> Bool {
        config.sampleRate == SpeechFeatureExtractor.sampleRate && config.hopLength == SpeechFeatureExtractor.hopLength
    }

    init(channels: Int, config: FeatureConfig) {
        energies = [StreamingFrameEnergy](repeating: StreamingFrameEnergy(config: config), count: channels)
        hopLength = config.hopLength
        detectors = Self.supportsSpeechDetection(config) ? (0..<channels).map { _ in SpeechDetector() } : []
        decisions = [[Bool]](repeating: [], count: channels)
    }

    /// Samples per channel seen so far.
    var sampleCount: Int { energies.first?.sampleCount ?? 0 }

    mutating func append(_ block: [[Float]]) {
        for c in energies.indices { energies[c].append(block[c]) }
        for c in detectors.indices { block[c].withUnsafeBufferPointer { detectors[c].push($0, into: &decisions[c]) } }
    }

    /// Frames whose speech decision is final on every channel (the detector decides a little behind
    /// its input, and nothing during the opening it primes its floor from); every frame when the
    /// model's framing has no detector, or once finished.
    var decidedFrames: Int {
        if detectors.isEmpty || finished { return Int.max }
        return decisions.lazy.map(\.count).min() ?? 0
    }

    /// Frames whose decision is final once `samples` samples per channel are in, the same for every
    /// caller whatever the block sizes: none before the opening the detectors prime on, then every frame
    /// `t` whose centre `hop·t` lies the detector's latency (`SpeechDetectorConfiguration.latencySamples`,
    /// 237 ms) behind. A window judged on these frames is judged the same in a live stream, as soon as
    /// its audio is in, and in a file. Every frame when there is no detector.
    func framesDecided(afterSamples samples: Int) -> Int {
        guard let detector = detectors.first else { return Int.max }
        guard samples >= detector.configuration.primingSamples, samples >= detector.configuration.latencySamples else { return 0 }
        return (samples - detector.configuration.latencySamples) / hopLength + 1
    }

    /// Samples of the opening the detectors learn their noise floors from before deciding (0 without detectors).
    var primingSamples: Int { detectors.first?.configuration.primingSamples ?? 0 }

    /// Speech frames of channel `channel` among `frames` (clipped to the frames decided so far).
    func speechFrames(channel: Int, frames: Range<Int>) -> Int {
        guard !detectors.isEmpty else { return frames.clamped(to: 0..<frameCount).count }
        let track = decisions[channel]
        return track[frames.clamped(to: 0..<track.count)].lazy.filter { $0 }.count
    }

    /// Frames of a channel of `sampleCount` samples: `1 + samples / hop` (centred framing).
    private var frameCount: Int { energies.first.map { 1 + $0.sampleCount / hopLength } ?? 0 }

    /// Ends the tracks (call once, when the audio ends): level (dB) and speech flags per frame,
    /// `1 + samples / hop` each.
    mutating func finish() -> (energy: [[Float]], speech: [[Bool]]) {
        let energy = energies.indices.map { energies[$0].finish() }
        for c in detectors.indices { detectors[c].finish(into: &decisions[c]) }
        if detectors.isEmpty { decisions = energy.map { [Bool](repeating: true, count: $0.count) } }
        finished = true
        return (energy, decisions)
    }
}
