import Features
import Model
import NeuralNet

/// One window of one channel, with its samples (`analysisLower..<analysisUpper`).
struct WindowJob: Sendable {
    var window: WindowPlan.Window
    var channel: Int
    var samples: [Float]
}

/// A scored window: where its estimate goes. Not the job, whose samples are dropped once scored
/// (keeping them would hold the whole recording by the end).
struct ScoredWindow: Sendable {
    var channel: Int
    var segment: Int
    var estimate: EmotionEstimate?
}

/// What scoring a window needs besides its samples: the plan, the options, and each channel's energy
/// track (dB per frame) and voice-activity threshold from the first pass.
struct WindowScoringContext: Sendable {
    var plan: WindowPlan
    var options: AnalysisOptions
    var energy: [[Float]]
    var thresholds: [Double]
    var clock: ContinuousClock
}

/// Seconds spent so far, summed over threads.
struct AnalysisTimings {
    var decode = Duration.zero, features = Duration.zero, inference = Duration.zero
}

extension InferenceSession {
    /// Calibrated probabilities for one window, or nil when voice activity finds too little speech.
    func scoreWindow(_ job: WindowJob, context: WindowScoringContext, times: inout AnalysisTimings) throws(AnalysisError) -> EmotionEstimate? {
        let start = context.clock.now
        let speech: Double
        if context.options.voiceActivityDetection {
            guard let found = speechSeconds(job, context: context) else {
                times.features += context.clock.now - start
                return nil
            }
            speech = found
        } else {
            speech = Double(job.window.upper - job.window.lower) / Double(context.plan.sampleRate)
        }
        var input = job.samples
        if input.count < context.plan.minimumSamples { input += [Float](repeating: 0, count: context.plan.minimumSamples - input.count) }
        let assembled = self.input(for: input)
        let inferenceStart = context.clock.now
        times.features += inferenceStart - start
        let probabilities: [Float]
        do throws(NetworkError) {
            probabilities = try self.probabilities(forInput: assembled)
        } catch {
            throw .network(error)
        }
        times.inference += context.clock.now - inferenceStart
        return EmotionEstimate(probabilities: probabilities, speechSeconds: speech)
    }

    /// Seconds of speech in the window's counted stretch (loud frames seeded by voiced ones, against the
    /// channel's whole-recording threshold), or nil when it has less than the options ask for.
    private func speechSeconds(_ job: WindowJob, context: WindowScoringContext) -> Double? {
        let window = job.window
        let energy = context.energy[job.channel], threshold = context.thresholds[job.channel]
        let hop = extractor.config.hopLength, rate = Double(context.plan.sampleRate)
        // Frames of the counted stretch, against the channel's energy track from the first pass.
        let f0 = min(energy.count, window.lower / hop), f1 = min(energy.count, max(f0 + 1, window.upper / hop))
        guard energy[f0..<f1].contains(where: { Double($0) > threshold }) else { return nil }
        // Voicing only for windows with loud frames: silence costs no pitch tracking.
        let counted = Array(job.samples[(window.lower - window.analysisLower)..<(window.upper - window.analysisLower)])
        let frames = f1 - f0
        let voiced = voicing(counted, frames: frames)
        let mask = extractor.voiceActivity(energyDecibels: Array(energy[f0..<f1]),
                                           pitch: PitchTrack(frequencies: [Float](repeating: 0, count: frames),
                                                             aperiodicity: voiced.map { $0 ? 0 : 1 }, voiced: voiced),
                                           threshold: threshold)
        let speech = Double(mask.lazy.filter { $0 }.count) * Double(hop) / rate
        let needed = min(context.options.minimumSpeechSeconds, Double(window.upper - window.lower) / rate * 0.5)
        return speech < needed ? nil : speech
    }
}
