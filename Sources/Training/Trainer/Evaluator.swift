#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra
import Model
import NeuralNet

/// Scores normalised inputs with the INFERENCE network (`NeuralNet.Network`, the function the server
/// runs) the way the service scores audio: an input longer than the window is cut into equal windows
/// of at most `windowFrames`, each window gets `softmax(logits / T)`, and the clip's probabilities are
/// the frame-weighted mean.
///
/// (The service re-extracts features per window of audio, so the few frames at inner window edges
/// differ slightly; clips up to the window length, most of the data, are scored identically.)
public struct Evaluator {
    public let network: Network
    public let windowFrames: Int
    public let layout: ModelInputSpec.Layout
    private let workspace = Workspace()

    public init(network: Network, windowFrames: Int, layout: ModelInputSpec.Layout) {
        self.network = network
        self.windowFrames = windowFrames
        self.layout = layout
    }

    /// The network outputs of each window of `input` (`[rows, frames]`), with their frame counts.
    public func windowLogits(_ input: Matrix) throws -> [(logits: [Float], frames: Int)] {
        let count = max(1, (input.columns + windowFrames - 1) / windowFrames)
        var result: [(logits: [Float], frames: Int)] = []
        for w in 0..<count {
            var lower = w * input.columns / count
            var upper = (w + 1) * input.columns / count
            if upper - lower < network.minimumTime {
                upper = min(input.columns, lower + network.minimumTime)
                lower = max(0, upper - network.minimumTime)
            }
            let frames = upper - lower
            var values = [Float](repeating: 0, count: input.rows * frames)
            for r in 0..<input.rows {
                for t in 0..<frames { values[r * frames + t] = input.values[r * input.columns + lower + t] }
            }
            let shape = layout == .image ? [1, input.rows, frames] : [input.rows, frames]
            let output = try network.forward(Tensor(shape: shape, values: values), workspace: workspace)
            result.append((output.values, frames))
        }
        return result
    }

    /// Clip probabilities from window logits at `temperature` (EmotionModel's calibration per window,
    /// then the frame-weighted mean).
    public static func probabilities(_ windows: [(logits: [Float], frames: Int)], temperature: Double) -> [Float] {
        var sum = [Double](repeating: 0, count: windows[0].logits.count)
        var total = 0.0
        for (logits, frames) in windows {
            let p = calibrated(logits, temperature: temperature)
            for k in sum.indices { sum[k] += Double(p[k]) * Double(frames) }
            total += Double(frames)
        }
        return sum.map { Float($0 / total) }
    }

    /// `softmax(logits / T)` in Float, the same arithmetic as `EmotionModel.calibratedProbabilities`.
    public static func calibrated(_ logits: [Float], temperature: Double) -> [Float] {
        let t = Float(temperature)
        let scaled = t != 1 ? logits.map { $0 / t } : logits
        let peak = scaled.max() ?? 0
        let exponentials = scaled.map { expf($0 - peak) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// One logit vector per clip for temperature fitting: the frame-weighted mean of its windows'
    /// logits (the logits themselves for the usual single-window clip).
    public static func clipLogits(_ windows: [(logits: [Float], frames: Int)]) -> [Float] {
        if windows.count == 1 { return windows[0].logits }
        var sum = [Float](repeating: 0, count: windows[0].logits.count)
        let total = Float(windows.reduce(0) { $0 + $1.frames })
        for (logits, frames) in windows { for k in sum.indices { sum[k] += logits[k] * Float(frames) / total } }
        return sum
    }
}
