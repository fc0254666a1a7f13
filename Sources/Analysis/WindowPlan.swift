import Features
import Model
import NeuralNet

/// How a recording is cut for the network: the timeline of segments, and each segment's equal windows
/// of at most `windowSamples`, each widened to `minimumSamples` around its start when shorter.
///
/// The one plan of the service's analysis and of the trainer's evaluation (which maps each window's
/// samples onto the frames of a clip's feature matrix), so both score the same stretches of audio.
public struct WindowPlan: Sendable, Equatable {
    /// Longest window the network reads, samples (the model's `windowSeconds`).
    public var windowSamples: Int
    /// Shortest stretch the network reads, samples: the network's minimum input, and at least 0.5 s.
    public var minimumSamples: Int
    /// Samples per second.
    public var sampleRate: Int

    public init(windowSamples: Int, minimumSamples: Int, sampleRate: Int) {
        precondition(windowSamples > 0 && minimumSamples > 0 && sampleRate > 0, "WindowPlan: sizes must be positive")
        self.windowSamples = windowSamples
        self.minimumSamples = minimumSamples
        self.sampleRate = sampleRate
    }

    /// The plan for windows of `windowSeconds` over `featureConfig`'s frames, for a network that reads
    /// at least `minimumFrames` frames.
    public init(windowSeconds: Double, featureConfig: FeatureConfig, minimumFrames: Int) {
        let rate = Double(featureConfig.sampleRate)
        self.init(windowSamples: max(1, Int(windowSeconds * rate)),
                  minimumSamples: max(minimumFrames * featureConfig.hopLength, Int(0.5 * rate)),
                  sampleRate: featureConfig.sampleRate)
    }

    /// The plan of a loaded model.
    public init(model: EmotionModel) {
        self.init(windowSeconds: model.manifest.input.windowSeconds, featureConfig: model.manifest.featureConfig,
                  minimumFrames: model.network.minimumTime)
    }

    /// One window of one segment: the stretch whose speech counts (`lower..<upper`) and the stretch the
    /// network reads (`analysisLower..<analysisUpper`, widened to `minimumSamples` when short), in
    /// samples from the start of the recording.
    public struct Window: Sendable, Equatable {
        public var segment: Int
        public var lower: Int
        public var upper: Int
        public var analysisLower: Int
        public var analysisUpper: Int
    }

    /// Every window of every segment (`[start, end)` seconds) of a recording of `sampleCount` samples,
    /// in the order their samples are complete (by `analysisUpper`), the order a streaming pass scores them.
    /// The segments are numbered from `firstSegment` (a growing timeline plans one segment at a time).
    public func windows(segments: [(Double, Double)], sampleCount: Int, firstSegment: Int = 0) -> [Window] {
        let rate = Double(sampleRate)
        var windows: [Window] = []
        for (offset, (startSecond, endSecond)) in segments.enumerated() {
            let index = firstSegment + offset
            let first = min(sampleCount, Int(startSecond * rate)), last = min(sampleCount, Int((endSecond * rate).rounded()))
            let count = max(1, last - first)
            let pieces = max(1, (count + windowSamples - 1) / windowSamples)
            for w in 0..<pieces {
                let lower = first + w * count / pieces, upper = max(lower, min(sampleCount, first + (w + 1) * count / pieces))
                var analysisLower = lower, analysisUpper = upper
                if analysisUpper - analysisLower < minimumSamples {
                    analysisUpper = min(sampleCount, analysisLower + minimumSamples)
                    analysisLower = max(0, analysisUpper - minimumSamples)
                }
                windows.append(Window(segment: index, lower: lower, upper: upper, analysisLower: analysisLower, analysisUpper: analysisUpper))
            }
        }
        return windows.sorted { ($0.analysisUpper, $0.analysisLower) < ($1.analysisUpper, $1.analysisLower) }
    }

    /// Segment boundaries `[start, end)` in seconds covering `[0, duration)`: one segment when
    /// `segmentSeconds` is 0 or covers it all, else segments every `hopSeconds` (default `segmentSeconds`).
    public static func timeline(duration: Double, segmentSeconds: Double, hopSeconds: Double?) -> [(Double, Double)] {
        guard segmentSeconds > 0, segmentSeconds < duration else { return [(0, duration)] }
        let hop = hopSeconds ?? segmentSeconds
        var bounds: [(Double, Double)] = []
        var k = 0
        while true {
            // k · hop rather than a running sum: no drift over thousands of segments.
            let start = Double(k) * hop
            guard start < duration - 1e-9 else { break }
            bounds.append((start, min(duration, start + segmentSeconds)))
            if start + segmentSeconds >= duration { break }
            k += 1
        }
        return bounds
    }
}
