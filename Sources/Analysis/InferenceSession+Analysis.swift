import Features
import Model
import NeuralNet

extension InferenceSession {
    /// Analyses one channel of mono audio at the model's sample rate (see `analyze(_:options:)`).
    public func analyze(_ samples: [Float], options: AnalysisOptions) throws(NetworkError) -> ChannelAnalysis {
        do throws(AnalysisError) {
            return try analyze(InMemorySamples(channels: [samples]), options: options).channels[0]
        } catch {
            switch error {
            case .network(let e): throw e
            case .audio, .tooManySegments:
                // In-memory samples cannot fail to decode, and the default options allow any timeline.
                preconditionFailure("in-memory analysis failed: \(error)")
            }
        }
    }

    /// Analyses every channel of `source` in two streaming passes, holding only what the pending
    /// windows need, so memory does not grow with the audio's length.
    ///
    /// 1. Energy pass: per-frame energy of every channel (4 bytes per 10 ms frame), which gives the
    ///    length and, for voice activity, each channel's noise floor.
    /// 2. Window pass: every segment of the timeline is cut into the `WindowPlan`'s windows; a window
    ///    with enough speech (loud frames seeded by periodic ones, against the channel's
    ///    whole-recording threshold) gets calibrated probabilities; a segment's estimate is the
    ///    speech-weighted mean of its windows, a channel's that of its segments.
    ///
    /// Without voice activity detection the energy pass would only measure the length; when the
    /// source declares it (`expectedSampleCount`: a WAV or FLAC header, samples in memory) that pass is
    /// skipped, and if the window pass then delivers another length the analysis starts over with
    /// both passes, so the result is always the two-pass one.
    public func analyze(_ source: some SampleBlockSource, options: AnalysisOptions) throws(AnalysisError) -> SourceAnalysis {
        let clock = ContinuousClock()
        let channels = source.channelCount
        var times = AnalysisTimings()
        if !options.voiceActivityDetection, let expected = source.expectedSampleCount, expected > 0 {
            let context = WindowScoringContext(plan: WindowPlan(model: model), options: options,
                                               energy: [[Float]](repeating: [], count: channels),
                                               thresholds: [Double](repeating: 0, count: channels), clock: clock)
            if let analysis = try windowPass(try source.makeReader(), sampleCount: expected, exactLength: true,
                                             context: context, times: &times) {
                return analysis
            }
        }
        let first = try energyPass(source, options: options, clock: clock, times: &times)
        let context = WindowScoringContext(plan: WindowPlan(model: model), options: options, energy: first.energy,
                                           thresholds: first.energy.map { extractor.voiceActivityThreshold(energyDecibels: $0) },
                                           clock: clock)
        let reader: any SampleBlockReader
        if let retained = first.retained {
            reader = try InMemorySamples(channels: retained).makeReader()
        } else {
            reader = try source.makeReader()
        }
        // An exact length was measured, so the window pass always completes.
        return try windowPass(reader, sampleCount: first.sampleCount, exactLength: false, context: context, times: &times)!
    }

    /// Pass 1: the length and every channel's energy track. Short audio (up to the options'
    /// `retainedSamplesLimit` per channel) is also kept, so pass 2 need not decode it again.
    private func energyPass(_ source: some SampleBlockSource, options: AnalysisOptions, clock: ContinuousClock,
                            times: inout AnalysisTimings) throws(AnalysisError) -> (sampleCount: Int, energy: [[Float]], retained: [[Float]]?) {
        let channels = source.channelCount
        var energies = [StreamingFrameEnergy](repeating: StreamingFrameEnergy(config: extractor.config), count: channels)
        var retained: [[Float]]? = [[Float]](repeating: [], count: channels)
        let reader = try source.makeReader()
        while true {
            let t0 = clock.now
            guard let block = try reader.next() else { times.decode += clock.now - t0; break }
            let t1 = clock.now
            times.decode += t1 - t0
            for c in 0..<channels { energies[c].append(block[c]) }
            if retained != nil {
                if retained![0].count + block[0].count <= options.retainedSamplesLimit {
                    for c in 0..<channels { retained![c] += block[c] }
                } else {
                    retained = nil
                }
            }
            times.features += clock.now - t1
        }
        return (energies[0].sampleCount, (0..<channels).map { energies[$0].finish() }, retained)
    }
}
