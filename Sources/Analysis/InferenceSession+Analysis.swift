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

    /// Analyzes every channel of `source` in one causal pass (`IncrementalAnalysis`, as a live stream
    /// is): every segment of the timeline is cut into the `WindowPlan`'s windows; a window with enough
    /// speech gets calibrated probabilities; a segment's estimate is the speech-weighted mean of its
    /// windows, a channel's that of its segments. The tracks and the scored windows' pitch give each
    /// channel's conversation figures. Only the samples the pending windows need are held, so memory
    /// does not grow with the audio's length.
    ///
    /// One whole-audio segment (`segmentSeconds` 0) needs the length before its windows are cut: the
    /// source's declared length (a WAV or FLAC header, samples in memory), else a first pass that
    /// counts the samples (keeping short audio, so it is not decoded twice). When the audio turns out
    /// longer or shorter than declared, it is counted and analysed again.
    public func analyze(_ source: some SampleBlockSource, options: AnalysisOptions) throws(AnalysisError) -> SourceAnalysis {
        let clock = ContinuousClock()
        var decode = Duration.zero
        if options.segmentSeconds > 0 {
            if let expected = source.expectedSampleCount { try checkSegmentCount(sampleCount: expected, options: options) }
            return try analyzeOnce(source.makeReader(), length: nil, expected: source.expectedSampleCount, channels: source.channelCount,
                                   options: options, clock: clock, decode: &decode)!
        }
        if let expected = source.expectedSampleCount, expected > 0,
           let analysis = try analyzeOnce(source.makeReader(), length: expected, expected: expected, channels: source.channelCount,
                                          options: options, clock: clock, decode: &decode) {
            return analysis
        }
        let counted = try countSamples(source, keepingUpTo: options.retainedSamplesLimit, clock: clock, decode: &decode)
        // The length was just counted, so this pass completes.
        return try analyzeOnce(counted.reader, length: counted.sampleCount, expected: counted.sampleCount, channels: source.channelCount,
                               options: options, clock: clock, decode: &decode)!
    }

    /// One pass of `reader` through an `IncrementalAnalysis` (a timeline of `length` samples, or growing
    /// when nil); nil, having stopped early, when the reader delivers another number of samples than `length`.
    private func analyzeOnce(_ reader: any SampleBlockReader, length: Int?, expected: Int?, channels: Int, options: AnalysisOptions,
                             clock: ContinuousClock, decode: inout Duration) throws(AnalysisError) -> SourceAnalysis? {
        // Never more scoring threads than jobs, so a short clip's single window is scored right here.
        let jobs = expected.map { WindowPlan.timeline(duration: Double($0) / Double(model.sampleRate), segmentSeconds: options.segmentSeconds,
                                                      hopSeconds: options.hopSeconds).count * channels }
        let analysis = try IncrementalAnalysis(session: self, workers: min(options.parallelism, jobs ?? options.parallelism),
                                               channels: channels, options: options, sampleCount: length, clock: clock)
        while true {
            let t0 = clock.now
            let block = try reader.next()
            decode += clock.now - t0
            guard let block else { break }
            _ = try analysis.append(block)
            if let length, analysis.sampleCount > length { return nil }
        }
        if let length, analysis.sampleCount != length { return nil }
        analysis.addDecodeTime(decode)
        return try analysis.finish().analysis
    }

    /// Throws when the timeline of `sampleCount` samples would have more segments than the options allow.
    private func checkSegmentCount(sampleCount: Int, options: AnalysisOptions) throws(AnalysisError) {
        guard let maximum = options.maximumSegments else { return }
        let count = WindowPlan.timeline(duration: Double(sampleCount) / Double(model.sampleRate), segmentSeconds: options.segmentSeconds,
                                        hopSeconds: options.hopSeconds).count
        if count > maximum { throw .tooManySegments(count, maximum: maximum) }
    }

    /// A pass that only counts the samples; audio up to `limit` samples per channel is kept, and the
    /// returned reader replays it instead of decoding again.
    private func countSamples(_ source: some SampleBlockSource, keepingUpTo limit: Int, clock: ContinuousClock,
                              decode: inout Duration) throws(AnalysisError) -> (sampleCount: Int, reader: any SampleBlockReader) {
        var retained: [[Float]]? = [[Float]](repeating: [], count: source.channelCount)
        var count = 0
        let reader = try source.makeReader()
        while true {
            let t0 = clock.now
            let block = try reader.next()
            decode += clock.now - t0
            guard let block else { break }
            count += block[0].count
            if retained != nil, count <= limit {
                for c in block.indices { retained![c] += block[c] }
            } else {
                retained = nil
            }
        }
        if let retained, count > 0 { return (count, try InMemorySamples(channels: retained).makeReader()) }
        return (count, try source.makeReader())
    }

    /// One channel's conversation figures from its tracks and the pitch of its scored windows.
    func channelConversation(energy: [Float], speech: [Bool], results: [ScoredWindow], sampleCount: Int) -> ChannelConversation {
        var pitch = [Float](repeating: 0, count: speech.count)
        for result in results where result.estimate != nil {
            for (k, f0) in result.pitchHertz.enumerated() where result.firstFrame + k < pitch.count { pitch[result.firstFrame + k] = f0 }
        }
        let frames = min(energy.count, speech.count)
        let voiced = pitch.prefix(frames).map { $0 > 0 }
        let syllables = extractor.speechRate(
            energyDecibels: Array(energy.prefix(frames)),
            pitch: PitchTrack(frequencies: Array(pitch.prefix(frames)), aperiodicity: voiced.map { $0 ? 0 : 1 }, voiced: voiced),
            speech: Array(speech.prefix(frames)), sampleCount: sampleCount).syllableCount
        return ChannelActivity(speech: Array(speech.prefix(frames)), levelDecibels: Array(energy.prefix(frames)),
                               pitchHertz: Array(pitch.prefix(frames)), syllables: syllables,
                               frameSeconds: Double(extractor.config.hopLength) / Double(extractor.config.sampleRate)).conversation
    }
}

extension SourceAnalysis {
    /// Gathers scored windows (in submission order, so the speech-weighted means add up in the same order
    /// on any thread count) into segment and channel estimates, with each channel's conversation figures
    /// and, for two or more channels, the conversation between them.
    init(segments: [(Double, Double)], results: [ScoredWindow], conversations: [ChannelConversation], speech: [[Bool]],
         frameSeconds: Double, sampleCount: Int, times: AnalysisTimings) {
        let channels = conversations.count
        var estimates = [[[EmotionEstimate]]](repeating: [[EmotionEstimate]](repeating: [], count: segments.count), count: channels)
        for result in results {
            if let estimate = result.estimate { estimates[result.channel][result.segment].append(estimate) }
        }
        let analyses = (0..<channels).map { c in
            let timeline = segments.enumerated().map { index, bound in
                SegmentEstimate(startSeconds: bound.0, endSeconds: bound.1, estimate: .combine(estimates[c][index]))
            }
            return ChannelAnalysis(overall: .combine(timeline.map(\.estimate)), segments: timeline, conversation: conversations[c])
        }
        self.init(channels: analyses,
                  conversation: channels >= 2 ? Conversation(speech: speech, turns: conversations.map(\.turns), frameSeconds: frameSeconds) : nil,
                  sampleCount: sampleCount, decodeSeconds: times.decode / .seconds(1),
                  featureSeconds: times.features / .seconds(1), inferenceSeconds: times.inference / .seconds(1))
    }
}
