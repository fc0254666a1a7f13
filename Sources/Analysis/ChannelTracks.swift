import Features

/// Per-frame tracks of every channel built while the audio streams past once: the frame level (dB,
/// `StreamingFrameEnergy`, the front-end's framing) and the speech detector's decisions
/// (`SpeechDetector`, causal, 10 ms frames). They decide which windows are scored and give each
/// channel's conversation figures. 1 + 4 bytes per channel and frame, plus the first 1.6 s of samples
/// while the detectors' noise floors are primed (`SpeechDetector.primeNoiseFloor`).
struct ChannelTracks {
    private var energies: [StreamingFrameEnergy]
    private let detectors: [SpeechDetector]
    private var decisions: [[Bool]]
    /// The opening samples per channel, until `SpeechDetector.primingSamples` have arrived (then nil).
    private var opening: [[Float]]?
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
        opening = detectors.isEmpty ? nil : [[Float]](repeating: [], count: channels)
    }

    /// Samples per channel seen so far.
    var sampleCount: Int { energies.first?.sampleCount ?? 0 }

    mutating func append(_ block: [[Float]]) {
        for c in energies.indices { energies[c].append(block[c]) }
        guard !detectors.isEmpty else { return }
        if opening != nil {
            for c in detectors.indices { opening![c] += block[c] }
            if opening![0].count >= SpeechDetector.primingSamples { startDetectors() }
        } else {
            for c in detectors.indices { block[c].withUnsafeBufferPointer { detectors[c].push($0, into: &decisions[c]) } }
        }
    }

    /// Primes every detector with its channel's opening and pushes it.
    private mutating func startDetectors() {
        guard let samples = opening else { return }
        opening = nil
        for c in detectors.indices {
            samples[c].withUnsafeBufferPointer { buffer in
                detectors[c].primeNoiseFloor(buffer)
                detectors[c].push(buffer, into: &decisions[c])
            }
        }
    }

    /// Frames whose speech decision is final on every channel (the detector decides a little behind
    /// its input, and nothing during the opening it primes its floor from); every frame when the
    /// model's framing has no detector, or once finished.
    var decidedFrames: Int {
        if detectors.isEmpty || finished { return Int.max }
        return decisions.lazy.map(\.count).min() ?? 0
    }

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
        startDetectors()
        let energy = energies.indices.map { energies[$0].finish() }
        for c in detectors.indices { detectors[c].finish(into: &decisions[c]) }
        if detectors.isEmpty { decisions = energy.map { [Bool](repeating: true, count: $0.count) } }
        finished = true
        return (energy, decisions)
    }
}
