import Features
import Model
import NeuralNet

/// One window of one channel, with its samples (`analysisLower..<analysisUpper`) and the seconds of
/// speech in its counted stretch (`lower..<upper`); nil when it has too little speech to be scored.
struct WindowJob: Sendable {
    var window: WindowPlan.Window
    var channel: Int
    var samples: [Float]
    var speechSeconds: Double?
}

/// A scored window: where its estimate goes, and the pitch of its counted frames (for the channel's
/// conversation figures). Not the job, whose samples are dropped once scored (keeping them would hold
/// the whole recording by the end).
struct ScoredWindow: Sendable {
    var channel: Int
    var segment: Int
    var estimate: EmotionEstimate?
    /// F0 (Hz, 0 when unvoiced) of frames `firstFrame...` of the channel; empty when the window held no speech.
    var firstFrame = 0
    var pitchHertz: [Float] = []
}

/// What scoring a window needs besides its samples: the plan, and the clock its times are read from.
struct WindowScoringContext: Sendable {
    var plan: WindowPlan
    var clock: ContinuousClock
}

/// Seconds spent so far, summed over threads.
struct AnalysisTimings {
    var decode = Duration.zero, features = Duration.zero, inference = Duration.zero
}

extension InferenceSession {
    /// Calibrated probabilities for one window (nil when voice activity finds too little speech), with
    /// the pitch of its counted frames.
    func scoreWindow(_ job: WindowJob, context: WindowScoringContext, times: inout AnalysisTimings) throws(AnalysisError) -> ScoredWindow {
        let start = context.clock.now
        var scored = ScoredWindow(channel: job.channel, segment: job.window.segment, estimate: nil)
        guard let speech = job.speechSeconds else { return scored }
        var input = job.samples
        if input.count < context.plan.minimumSamples { input += [Float](repeating: 0, count: context.plan.minimumSamples - input.count) }
        let (assembled, pitch) = self.inputAndPitch(for: input)
        (scored.firstFrame, scored.pitchHertz) = countedPitch(job, pitch: pitch)
        let inferenceStart = context.clock.now
        times.features += inferenceStart - start
        let probabilities: [Float]
        do throws(NetworkError) {
            probabilities = try self.probabilities(forInput: assembled)
        } catch {
            throw .network(error)
        }
        times.inference += context.clock.now - inferenceStart
        scored.estimate = EmotionEstimate(probabilities: probabilities, speechSeconds: speech)
        return scored
    }

    /// F0 of the window's counted frames (`lower..<upper`, global frame indices from `lower / hop`):
    /// from the pitch track the network's input computed, or, for a model without pitch rows, from
    /// the coarse voicing tracker.
    private func countedPitch(_ job: WindowJob, pitch: PitchTrack?) -> (firstFrame: Int, hertz: [Float]) {
        let hop = extractor.config.hopLength, window = job.window
        let offset = (window.lower - window.analysisLower) / hop
        let count = max(0, (window.upper - window.lower) / hop)
        let track = pitch ?? coarsePitch(job.samples)
        let hertz = (0..<count).map { k -> Float in
            let t = offset + k
            return t < track.frequencies.count && track.voiced[t] ? track.frequencies[t] : 0
        }
        return (window.lower / hop, hertz)
    }
}
