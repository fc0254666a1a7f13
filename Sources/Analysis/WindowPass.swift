import Model

extension InferenceSession {
    /// Pass 2: reads `reader` to the end and scores every window of the timeline planned for
    /// `sampleCount` samples per channel. With `exactLength` (a length the source promised, not one
    /// pass 1 measured) it returns nil, having scored nothing more, if the reader delivers another
    /// number of samples.
    ///
    /// One thread: every window is scored here as soon as its samples are in. Several
    /// (`options.parallelism`): windows flow through a bounded queue to scoring threads while this
    /// thread decodes on; never more threads than jobs, so a short clip's single window is scored
    /// right here.
    func windowPass(_ reader: any SampleBlockReader, sampleCount: Int, exactLength: Bool, context: WindowScoringContext,
                    times: inout AnalysisTimings) throws(AnalysisError) -> SourceAnalysis? {
        let options = context.options
        let duration = Double(sampleCount) / Double(context.plan.sampleRate)
        let segments = WindowPlan.timeline(duration: duration, segmentSeconds: options.segmentSeconds, hopSeconds: options.hopSeconds)
        if let maximum = options.maximumSegments, segments.count > maximum { throw .tooManySegments(segments.count, maximum: maximum) }
        var buffer = WindowBuffer(windows: context.plan.windows(segments: segments, sampleCount: sampleCount),
                                  channels: context.energy.count)
        let workers = min(options.parallelism, buffer.windows.count * buffer.channels)
        let pipeline = workers > 1 ? ScoringPipeline(session: self, workers: workers, context: context) : nil
        var serialResults: [ScoredWindow] = []
        var scoringTimes = AnalysisTimings()
        var complete = true
        do throws(AnalysisError) {
            complete = try buffer.read(reader, promised: exactLength ? sampleCount : nil, times: &times, clock: context.clock) {
                (job) throws(AnalysisError) in
                if let pipeline { return try pipeline.submit(job) }
                let estimate = try scoreWindow(job, context: context, times: &scoringTimes)
                serialResults.append(ScoredWindow(channel: job.channel, segment: job.window.segment, estimate: estimate))
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
        return SourceAnalysis(segments: segments, channels: buffer.channels, results: results, sampleCount: sampleCount, times: times)
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

    init(windows: [WindowPlan.Window], channels: Int) {
        self.windows = windows
        self.channels = channels
        var minimum = [Int](repeating: Int.max, count: windows.count + 1)
        for i in stride(from: windows.count - 1, through: 0, by: -1) { minimum[i] = min(windows[i].analysisLower, minimum[i + 1]) }
        minimumStart = minimum
        samples = [[Float]](repeating: [], count: channels)
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
    /// on any thread count) into segment and channel estimates.
    init(segments: [(Double, Double)], channels: Int, results: [ScoredWindow], sampleCount: Int, times: AnalysisTimings) {
        var estimates = [[[EmotionEstimate]]](repeating: [[EmotionEstimate]](repeating: [], count: segments.count), count: channels)
        for result in results {
            if let estimate = result.estimate { estimates[result.channel][result.segment].append(estimate) }
        }
        let analyses = (0..<channels).map { c in
            let timeline = segments.enumerated().map { index, bound in
                SegmentEstimate(startSeconds: bound.0, endSeconds: bound.1, estimate: .combine(estimates[c][index]))
            }
            return ChannelAnalysis(overall: .combine(timeline.map(\.estimate)), segments: timeline)
        }
        self.init(channels: analyses, sampleCount: sampleCount, decodeSeconds: times.decode / .seconds(1),
                  featureSeconds: times.features / .seconds(1), inferenceSeconds: times.inference / .seconds(1))
    }
}
