import Features
import NeuralNet

/// What to analyse in one channel: a timeline of segments and whether to skip silence.
public struct AnalysisOptions: Sendable, Equatable {
    /// Segment length, seconds; 0 = one segment covering the whole audio.
    public var segmentSeconds: Double
    /// Seconds between segment starts (defaults to `segmentSeconds`: adjacent segments).
    public var hopSeconds: Double?
    /// Detect silence and leave it out of the results.
    public var voiceActivityDetection: Bool
    /// Least speech a window needs to be scored, seconds.
    public var minimumSpeechSeconds: Double

    public init(segmentSeconds: Double = 0, hopSeconds: Double? = nil, voiceActivityDetection: Bool = true,
                minimumSpeechSeconds: Double = 0.25) {
        self.segmentSeconds = segmentSeconds
        self.hopSeconds = hopSeconds
        self.voiceActivityDetection = voiceActivityDetection
        self.minimumSpeechSeconds = minimumSpeechSeconds
    }
}

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

/// The analysis of one channel: the whole-channel estimate and the timeline.
public struct ChannelAnalysis: Sendable {
    public var overall: EmotionEstimate
    public var segments: [SegmentEstimate]
    /// Time spent computing features (including voice activity) and in the network, seconds.
    public var featureSeconds: Double
    public var inferenceSeconds: Double
}

extension InferenceSession {
    /// Analyses one channel of mono audio at the model's sample rate.
    ///
    /// The audio is scored in windows of at most the model's `windowSeconds`: each segment is cut into
    /// equal windows, each window with enough speech gets calibrated probabilities, and a segment's
    /// estimate is their speech-weighted mean. Memory per call is bounded by one window's features and
    /// activations, whatever the audio's length.
    public func analyse(_ samples: [Float], options: AnalysisOptions) throws(NetworkError) -> ChannelAnalysis {
        let clock = ContinuousClock()
        let config = extractor.config
        let rate = Double(config.sampleRate)
        let hop = config.hopLength
        var featureTime = Duration.zero, inferenceTime = Duration.zero

        // Voice activity over the whole channel: its noise floor is a property of the recording.
        var speechFrames: [Bool]?
        if options.voiceActivityDetection {
            let start = clock.now
            speechFrames = extractor.voiceActivity(samples)
            featureTime += clock.now - start
        }

        let duration = Double(samples.count) / rate
        let windowSamples = max(1, Int(model.manifest.input.windowSeconds * rate))
        let minimumSamples = max(model.network.minimumTime * hop, Int(0.5 * rate))

        var segments: [SegmentEstimate] = []
        for (startSecond, endSecond) in Self.timeline(duration: duration, options: options) {
            let first = Int(startSecond * rate), last = min(samples.count, Int((endSecond * rate).rounded()))
            let count = max(1, last - first)
            let windows = max(1, (count + windowSamples - 1) / windowSamples)
            var estimates: [EmotionEstimate] = []
            for w in 0..<windows {
                var lower = first + w * count / windows
                var upper = first + (w + 1) * count / windows
                let speech: Double
                if let mask = speechFrames {
                    let f0 = min(mask.count, lower / hop), f1 = min(mask.count, max(f0 + 1, upper / hop))
                    speech = Double(mask[f0..<f1].lazy.filter { $0 }.count) * Double(hop) / rate
                    if speech < min(options.minimumSpeechSeconds, Double(upper - lower) / rate * 0.5) { continue }
                } else {
                    speech = Double(upper - lower) / rate
                }
                // Short windows borrow context from their neighbours up to the network's minimum.
                if upper - lower < minimumSamples {
                    upper = min(samples.count, lower + minimumSamples)
                    lower = max(0, upper - minimumSamples)
                }
                var window = Array(samples[lower..<upper])
                if window.count < minimumSamples { window += [Float](repeating: 0, count: minimumSamples - window.count) }
                let featureStart = clock.now
                let input = self.input(for: window)
                let inferenceStart = clock.now
                let probabilities = try self.probabilities(forInput: input)
                featureTime += inferenceStart - featureStart
                inferenceTime += clock.now - inferenceStart
                estimates.append(EmotionEstimate(probabilities: probabilities, speechSeconds: speech))
            }
            segments.append(SegmentEstimate(startSeconds: startSecond, endSeconds: endSecond, estimate: .combine(estimates)))
        }
        return ChannelAnalysis(
            overall: .combine(segments.map(\.estimate)), segments: segments,
            featureSeconds: Self.seconds(featureTime), inferenceSeconds: Self.seconds(inferenceTime))
    }

    /// Segment boundaries `[start, end)` in seconds covering `[0, duration)`.
    static func timeline(duration: Double, options: AnalysisOptions) -> [(Double, Double)] {
        guard options.segmentSeconds > 0, options.segmentSeconds < duration else { return [(0, duration)] }
        let hop = options.hopSeconds ?? options.segmentSeconds
        var bounds: [(Double, Double)] = []
        var k = 0
        while true {
            // k · hop rather than a running sum: no drift over thousands of segments.
            let start = Double(k) * hop
            guard start < duration - 1e-9 else { break }
            bounds.append((start, min(duration, start + options.segmentSeconds)))
            if start + options.segmentSeconds >= duration { break }
            k += 1
        }
        return bounds
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }
}
