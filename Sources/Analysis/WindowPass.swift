import Features
import Model

extension InferenceSession {
    /// Pass 2: reads `reader` to the end and scores every window of the timeline planned for
    /// `sampleCount` samples per channel. With `exactLength` (a length the source promised, not one
    /// pass 1 measured) it returns nil, having scored nothing more, if the reader delivers another
    /// number of samples. `tracks` are pass 1's level and speech tracks; nil builds them here.
    ///
    /// One thread: every window is scored here as soon as its samples are in. Several
    /// (`options.parallelism`): windows flow through a bounded queue to scoring threads while this
    /// thread decodes on; never more threads than jobs, so a short clip's single window is scored
    /// right here.
    func windowPass(_ reader: any SampleBlockReader, channels: Int, sampleCount: Int, exactLength: Bool,
                    tracks: (energy: [[Float]], speech: [[Bool]])?, context: WindowScoringContext,
                    times: inout AnalysisTimings) throws(AnalysisError) -> SourceAnalysis? {
        let options = context.options
        let duration = Double(sampleCount) / Double(context.plan.sampleRate)
        let segments = WindowPlan.timeline(duration: duration, segmentSeconds: options.segmentSeconds, hopSeconds: options.hopSeconds)
        if let maximum = options.maximumSegments, segments.count > maximum { throw .tooManySegments(segments.count, maximum: maximum) }
        var buffer = WindowBuffer(windows: context.plan.windows(segments: segments, sampleCount: sampleCount),
                                  channels: channels, building: tracks == nil ? extractor.config : nil)
        let workers = min(options.parallelism, buffer.windows.count * buffer.channels)
        let pipeline = workers > 1 ? ScoringPipeline(session: self, workers: workers, context: context) : nil
        var serialResults: [ScoredWindow] = []
        var scoringTimes = AnalysisTimings()
        var complete = true
        do throws(AnalysisError) {
            complete = try buffer.read(reader, promised: exactLength ? sampleCount : nil, times: &times, clock: context.clock) {
                (job) throws(AnalysisError) in
                if let pipeline { return try pipeline.submit(job) }
                serialResults.append(try scoreWindow(job, context: context, times: &scoringTimes))
            }
        } catch {
            _ = try? pipeline?.finish()  // stop the scoring threads before giving up
            throw error
        }
        var results = serialResults
        if let pipeline {
            let scored = try pipeline.finish()
            (results, scoringTimes.features, scoringTimes.inference) = scored
        }
        times.features += scoringTimes.features
        times.inference += scoringTimes.inference
        guard complete else { return nil }
        let finished = tracks ?? buffer.finishTracks()
        let conversations = (0..<buffer.channels).map { c in
            channelConversation(energy: finished.energy[c], speech: finished.speech[c], results: results.filter { $0.channel == c },
                                sampleCount: sampleCount)
        }
        return SourceAnalysis(segments: segments, results: results, conversations: conversations, speech: finished.speech,
                              frameSeconds: Double(extractor.config.hopLength) / Double(extractor.config.sampleRate),
                              sampleCount: sampleCount, times: times)
    }

    /// One channel's conversation figures from its tracks and the pitch of its scored windows.
    private func channelConversation(energy: [Float], speech: [Bool], results: [ScoredWindow], sampleCount: Int) -> ChannelConversation {
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

/// The samples pass 2 still needs, per channel: blocks are appended as they are decoded, every
/// window whose samples have all arrived becomes a job (with its own copy of its samples), and the
/// samples no window to come will read are dropped.
struct WindowBuffer {
    let windows: [WindowPlan.Window]
    let channels: Int
    /// `minimumStart[i]`: the earliest `analysisLower` of windows `i...`, the first sample still needed.
    private let minimumStart: [Int]
    private var samples: [[Float]]
    private var start = 0, received = 0, nextWindow = 0
    /// The level and speech tracks, when pass 1 did not build them.
    private var tracks: ChannelTracks?

    init(windows: [WindowPlan.Window], channels: Int, building config: FeatureConfig?) {
        self.windows = windows
        self.channels = channels
        var minimum = [Int](repeating: Int.max, count: windows.count + 1)
        for i in stride(from: windows.count - 1, through: 0, by: -1) { minimum[i] = min(windows[i].analysisLower, minimum[i + 1]) }
        minimumStart = minimum
        samples = [[Float]](repeating: [], count: channels)
        tracks = config.map { ChannelTracks(channels: channels, config: $0) }
    }

    /// The tracks built while reading (call once, after `read`).
    mutating func finishTracks() -> (energy: [[Float]], speech: [[Bool]]) {
        tracks!.finish()
    }

    /// Reads `reader` to the end, handing each window of each channel to `submit` as soon as its samples
    /// are in. Returns false, having submitted nothing more, when the reader delivers another number of
    /// samples than `promised`.
    mutating func read(_ reader: any SampleBlockReader, promised: Int?, times: inout AnalysisTimings, clock: ContinuousClock,
                       submit: (WindowJob) throws(AnalysisError) -> Void) throws(AnalysisError) -> Bool {
        while true {
            let t0 = clock.now
            let block = try reader.next()
            times.decode += clock.now - t0
            if let block {
                for c in 0..<channels { samples[c] += block[c] }
                tracks?.append(block)
                received += block[0].count
                if let promised, received > promised { return false }  // longer than promised
            } else if let promised, received != promised {
                return false  // shorter than promised
            }
            try submitReadyWindows(finished: block == nil, submit: submit)
            if block == nil { return true }
            dropConsumedSamples()
        }
    }

    private mutating func submitReadyWindows(finished: Bool, submit: (WindowJob) throws(AnalysisError) -> Void) throws(AnalysisError) {
        while nextWindow < windows.count, windows[nextWindow].analysisUpper <= received || finished {
            let window = windows[nextWindow]
            for c in 0..<channels {
                let range = (window.analysisLower - start)..<(min(received, window.analysisUpper) - start)
                try submit(WindowJob(window: window, channel: c, samples: Array(samples[c][range])))
            }
            nextWindow += 1
        }
    }

    /// Drops the samples windows still to come will not read; the copy is made once the unneeded part
    /// is at least half the buffer, so it is amortised over several blocks.
    private mutating func dropConsumedSamples() {
        let drop = min(received, minimumStart[nextWindow]) - start
        if drop > 0, drop >= samples[0].count / 2 {
            for c in 0..<channels { samples[c].removeFirst(min(samples[c].count, drop)) }
            start += drop
        }
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
