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

    /// Analyzes every channel of `source` in two streaming passes, holding only what the pending
    /// windows need, so memory does not grow with the audio's length.
    ///
    /// 1. Tracks pass: every channel's frame level and the speech detector's decisions (5 bytes per
    ///    10 ms frame), which give the length and which stretches hold speech.
    /// 2. Window pass: every segment of the timeline is cut into the `WindowPlan`'s windows; a window
    ///    with enough speech gets calibrated probabilities; a segment's estimate is the speech-weighted
    ///    mean of its windows, a channel's that of its segments. The tracks and the scored windows'
    ///    pitch give each channel's conversation figures.
    ///
    /// Without voice activity detection the first pass would only measure the length; when the
    /// source declares it (`expectedSampleCount`: a WAV or FLAC header, samples in memory) that pass is
    /// skipped and the tracks are built during the window pass; if that pass delivers another length
    /// the analysis starts over with both passes, so the result is always the two-pass one.
    public func analyze(_ source: some SampleBlockSource, options: AnalysisOptions) throws(AnalysisError) -> SourceAnalysis {
        let clock = ContinuousClock()
        let plan = WindowPlan(model: model)
        var times = AnalysisTimings()
        if !options.voiceActivityDetection, let expected = source.expectedSampleCount, expected > 0 {
            let context = WindowScoringContext(plan: plan, options: options, speech: nil, clock: clock)
            if let analysis = try windowPass(try source.makeReader(), channels: source.channelCount, sampleCount: expected, exactLength: true,
                                             tracks: nil, context: context, times: &times) {
                return analysis
            }
        }
        let first = try tracksPass(source, options: options, clock: clock, times: &times)
        let context = WindowScoringContext(plan: plan, options: options, speech: options.voiceActivityDetection ? first.speech : nil,
                                           clock: clock)
        let reader: any SampleBlockReader
        if let retained = first.retained {
            reader = try InMemorySamples(channels: retained).makeReader()
        } else {
            reader = try source.makeReader()
        }
        // An exact length was measured, so the window pass always completes.
        return try windowPass(reader, channels: source.channelCount, sampleCount: first.sampleCount, exactLength: false,
                              tracks: (first.energy, first.speech), context: context, times: &times)!
    }

    /// Pass 1: the length and every channel's tracks. Short audio (up to the options'
    /// `retainedSamplesLimit` per channel) is also kept, so pass 2 need not decode it again.
    private func tracksPass(_ source: some SampleBlockSource, options: AnalysisOptions, clock: ContinuousClock,
                            times: inout AnalysisTimings) throws(AnalysisError) -> (sampleCount: Int, energy: [[Float]], speech: [[Bool]], retained: [[Float]]?) {
        let channels = source.channelCount
        var tracks = ChannelTracks(channels: channels, config: extractor.config)
        var retained: [[Float]]? = [[Float]](repeating: [], count: channels)
        let reader = try source.makeReader()
        while true {
            let t0 = clock.now
            guard let block = try reader.next() else { times.decode += clock.now - t0; break }
            let t1 = clock.now
            times.decode += t1 - t0
            tracks.append(block)
            if retained != nil {
                if retained![0].count + block[0].count <= options.retainedSamplesLimit {
                    for c in 0..<channels { retained![c] += block[c] }
                } else {
                    retained = nil
                }
            }
            times.features += clock.now - t1
        }
        let sampleCount = tracks.sampleCount
        let finished = tracks.finish()
        return (sampleCount, finished.energy, finished.speech, retained)
    }
}
