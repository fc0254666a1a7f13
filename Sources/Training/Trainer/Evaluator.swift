#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis
import LinearAlgebra
import Model
import NeuralNet
import Features

/// Scores normalised inputs with the INFERENCE network (`NeuralNet.Network`, the function the server
/// runs) the way the service scores audio: the clip is cut by the service's `WindowPlan`, each window
/// gets `softmax(logits / T)`, and the clip's probabilities are the mean weighted by the samples each
/// window counts.
///
/// The plan is made in samples for the clip's nominal length (`(frames − 1) · hop`: its feature matrix
/// has `1 + n / hop` frames) and each window is read from the clip's feature matrix at frames
/// `analysisLower / hop ..< + 1 + (analysisUpper − analysisLower) / hop`. The service extracts features
/// per window of audio instead, so the few frames at inner window edges differ slightly; clips up to
/// the window length, most of the data, are scored identically.
public struct Evaluator {
    public let network: Network
    public let plan: WindowPlan
    public let hopLength: Int
    public let layout: ModelInputSpec.Layout
    private let workspace = Workspace()

    public init(network: Network, plan: WindowPlan, hopLength: Int, layout: ModelInputSpec.Layout) {
        self.network = network
        self.plan = plan
        self.hopLength = hopLength
        self.layout = layout
    }

    /// The evaluator of a training configuration's model.
    public init(network: Network, config: TrainingConfig) {
        self.init(network: network, plan: WindowPlan(windowSeconds: config.windowSeconds, featureConfig: config.featureConfig,
                                                     minimumFrames: network.minimumTime),
                  hopLength: config.featureConfig.hopLength, layout: config.layout)
    }

    /// The network outputs of each window of `input` (`[rows, frames]`), with the samples each counts.
    public func windowLogits(_ input: Matrix) throws -> [(logits: [Float], weight: Int)] {
        try frameWindows(columns: input.columns).map { (try logits(input, frames: $0.frames), $0.weight) }
    }

    /// The plan's windows for a clip of `columns` frames, as frame ranges (at least the network's minimum
    /// input, within the clip) with the samples each window counts.
    public func frameWindows(columns: Int) -> [(frames: Range<Int>, weight: Int)] {
        let sampleCount = max(0, columns - 1) * hopLength
        let duration = Double(sampleCount) / Double(plan.sampleRate)
        return plan.windows(segments: [(0, duration)], sampleCount: sampleCount).map { window in
            var lower = min(columns, window.analysisLower / hopLength)
            var upper = min(columns, lower + 1 + (window.analysisUpper - window.analysisLower) / hopLength)
            if upper - lower < network.minimumTime {
                upper = min(columns, lower + network.minimumTime)
                lower = max(0, upper - network.minimumTime)
            }
            return (lower..<upper, max(1, window.upper - window.lower))
        }
    }

    /// The network output for frames `range` of `input`.
    private func logits(_ input: Matrix, frames range: Range<Int>) throws -> [Float] {
        let frames = range.count
        var values = [Float](repeating: 0, count: input.rows * frames)
        for r in 0..<input.rows {
            for t in 0..<frames { values[r * frames + t] = input.values[r * input.columns + range.lowerBound + t] }
        }
        let shape = layout == .image ? [1, input.rows, frames] : [input.rows, frames]
        return try network.forward(Tensor(shape: shape, values: values), workspace: workspace).values
    }

    /// Clip probabilities from window logits at `temperature` (EmotionModel's calibration per window,
    /// then the weighted mean).
    public static func probabilities(_ windows: [(logits: [Float], weight: Int)], temperature: Double) -> [Float] {
        var sum = [Double](repeating: 0, count: windows[0].logits.count)
        var total = 0.0
        for (logits, weight) in windows {
            let p = softmax(logits, temperature: Float(temperature))
            for k in sum.indices { sum[k] += Double(p[k]) * Double(weight) }
            total += Double(weight)
        }
        return sum.map { Float($0 / total) }
    }

    /// One logit vector per clip for temperature fitting: the weighted mean of its windows' logits
    /// (the logits themselves for the usual single-window clip).
    public static func clipLogits(_ windows: [(logits: [Float], weight: Int)]) -> [Float] {
        if windows.count == 1 { return windows[0].logits }
        var sum = [Float](repeating: 0, count: windows[0].logits.count)
        let total = Float(windows.reduce(0) { $0 + $1.weight })
        for (logits, weight) in windows { for k in sum.indices { sum[k] += logits[k] * Float(weight) / total } }
        return sum
    }
}
