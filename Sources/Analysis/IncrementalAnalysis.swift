import Features
import Model

/// One segment of one channel, complete: what a live stream sends as soon as it is known.
public struct SegmentUpdate: Sendable, Equatable {
    public var channel: Int
    /// Position in the timeline (0, 1, ...).
    public var index: Int
    public var segment: SegmentEstimate
}

/// The analysis of a recording fed block by block, in one causal pass: every channel's level and
/// speech tracks (`ChannelTracks`, the detector deciding as the audio arrives), and each window of the
/// timeline scored as soon as its samples and its speech decisions are in. A live stream and a file
/// go through it the same way, so they give the same segments.
///
/// Only what the windows still to come will read is kept (a segment's samples and the detector's
/// state), plus 5 bytes per channel and 10 ms frame of tracks and each scored window's estimate and
/// pitch for the final figures. Used by one thread at a time.
public final class IncrementalAnalysis {
    public let channelCount: Int
    public let options: AnalysisOptions
    private let context: WindowScoringContext
    private var schedule: WindowSchedule
    private var tracks: ChannelTracks
    private let scorer: Scorer
    private let hopLength: Int
    /// Samples `start...` of each channel.
    private var samples: [[Float]]
    private var start = 0
    /// Samples per channel received so far.
    public private(set) var sampleCount = 0
    /// Every scored window, in submission order (the order the final means add up in).
    private var results: [ScoredWindow] = []
    /// Segments with windows still to be scored: windows left (over all channels) and estimates per channel.
    private var openSegments: [Int: (left: Int, estimates: [[EmotionEstimate]])] = [:]
    private var updates: [SegmentUpdate] = []
    private var times = AnalysisTimings()
    private var ended = false

    /// Where windows are scored: on the caller's session, on a session from the model's pool per
    /// window (a stream holds none between windows), or on the threads of a pipeline.
    private enum Scorer {
        case session(InferenceSession)
        case pooled(EmotionModel, ScoringSlots?)
        case pipeline(ScoringPipeline)
    }

    /// A live analysis: a growing timeline (`options.segmentSeconds` > 0), each window scored on a
    /// session borrowed from `model`'s pool for that window only, in one of `slots` when given.
    public convenience init(model: EmotionModel, channels: Int, options: AnalysisOptions, slots: ScoringSlots? = nil) throws(AnalysisError) {
        precondition(options.segmentSeconds > 0, "IncrementalAnalysis: a live analysis needs segments")
        try self.init(scorer: .pooled(model, slots), model: model, channels: channels, options: options, sampleCount: nil)
    }

    /// An analysis on `session` (and, with `workers` > 1, on that many scoring threads), of `sampleCount`
    /// samples per channel when known (the whole-audio segment needs it).
    convenience init(session: InferenceSession, workers: Int, channels: Int, options: AnalysisOptions, sampleCount: Int?,
                     clock: ContinuousClock) throws(AnalysisError) {
        let context = WindowScoringContext(plan: WindowPlan(model: session.model), clock: clock)
        let scorer: Scorer = workers > 1 ? .pipeline(ScoringPipeline(session: session, workers: workers, context: context)) : .session(session)
        try self.init(scorer: scorer, model: session.model, channels: channels, options: options, sampleCount: sampleCount, clock: clock)
    }

    private init(scorer: Scorer, model: EmotionModel, channels: Int, options: AnalysisOptions, sampleCount: Int?,
                 clock: ContinuousClock = ContinuousClock()) throws(AnalysisError) {
        precondition(channels > 0, "IncrementalAnalysis: at least one channel")
        let plan = WindowPlan(model: model)
        self.channelCount = channels
        self.options = options
        self.scorer = scorer
        self.context = WindowScoringContext(plan: plan, clock: clock)
        self.hopLength = model.manifest.featureConfig.hopLength
        self.tracks = ChannelTracks(channels: channels, config: model.manifest.featureConfig)
        // A growing timeline holds one segment's samples at a time: reserved once, so the buffer does not
        // grow by doubling to twice what it needs (the biggest part of a live stream's memory).
        let reserved = sampleCount == nil ? Int(options.segmentSeconds * Double(plan.sampleRate)) + 8192 : 0
        self.samples = (0..<channels).map { _ in
            var buffer: [Float] = []
            buffer.reserveCapacity(reserved)
            return buffer
        }
        do throws(AnalysisError) {
            self.schedule = try WindowSchedule(plan: plan, options: options, sampleCount: sampleCount)
        } catch {
            if case .pipeline(let pipeline) = scorer { _ = try? pipeline.finish() }
            throw error
        }
    }

    deinit {
        // An analysis abandoned midway (an error, a dropped stream) must still stop its scoring threads.
        if !ended, case .pipeline(let pipeline) = scorer { _ = try? pipeline.finish() }
    }

    /// Samples per second of the blocks (the model's rate).
    public var sampleRate: Int { context.plan.sampleRate }

    /// Feeds one block (`[channel][sample]` at the model's rate, equal lengths; any length) and scores
    /// every window it completes. Returns the segments it completed, in timeline order, channel by channel
    /// (none while a pipeline scores: those come from `finish`).
    public func append(_ block: [[Float]]) throws(AnalysisError) -> [SegmentUpdate] {
        precondition(!ended && block.count == channelCount, "IncrementalAnalysis: one block per channel, before finish")
        let started = context.clock.now
        tracks.append(block)
        for c in 0..<channelCount { samples[c] += block[c] }
        sampleCount += block[0].count
        times.features += context.clock.now - started
        try guarded { () throws(AnalysisError) in
            try schedule.advance(received: sampleCount)
            try submitReadyWindows()
        }
        dropConsumedSamples()
        defer { updates = [] }
        return updates
    }

    /// Ends the audio: scores the rest of the timeline and returns the segments completed now and
    /// the whole analysis.
    public func finish() throws(AnalysisError) -> (updates: [SegmentUpdate], analysis: SourceAnalysis) {
        precondition(!ended, "IncrementalAnalysis: finish once")
        let finishedTracks = tracks.finish()
        try guarded { () throws(AnalysisError) in
            try schedule.finish(sampleCount: sampleCount)
            ended = true
            try submitReadyWindows()
        }
        ended = true
        if case .pipeline(let pipeline) = scorer {
            let scored = try pipeline.finish()
            times.features += scored.featureTime
            times.inference += scored.inferenceTime
            for result in scored.results { record(result) }
        }
        samples = []
        return (updates, analysis(tracks: finishedTracks))
    }

    /// Runs `body`; on an error, stops the pipeline's threads before rethrowing.
    private func guarded(_ body: () throws(AnalysisError) -> Void) throws(AnalysisError) {
        do throws(AnalysisError) {
            try body()
        } catch {
            if case .pipeline(let pipeline) = scorer { _ = try? pipeline.finish() }
            ended = true
            throw error
        }
    }

    // MARK: Windows

    /// Hands out every planned window whose samples are in and whose speech frames are decided.
    private func submitReadyWindows() throws(AnalysisError) {
        while let window = schedule.next(received: sampleCount, ended: ended) {
            guard ended || !options.voiceActivityDetection || tracks.decidedFrames >= judgedFrames(window).upperBound else { return }
            schedule.take()
            if openSegments[window.segment] == nil {
                openSegments[window.segment] = (schedule.windowsPerSegment[window.segment] * channelCount,
                                                [[EmotionEstimate]](repeating: [], count: channelCount))
            }
            for c in 0..<channelCount {
                let range = (window.analysisLower - start)..<(min(sampleCount, window.analysisUpper) - start)
                try submit(WindowJob(window: window, channel: c, samples: Array(samples[c][range]), speechSeconds: speechSeconds(window, channel: c)))
            }
        }
    }

    /// The frames a window's speech is judged on: its counted frames (`lower / hop ..< upper / hop`)
    /// whose decisions are final once its audio is in (or, for a window inside the opening the
    /// detectors prime on, once that is in). The detector decides 237 ms behind its input; a live
    /// stream does not wait for those last frames, and a file is judged the same way.
    private func judgedFrames(_ window: WindowPlan.Window) -> Range<Int> {
        let f0 = window.lower / hopLength, f1 = max(f0 + 1, window.upper / hopLength)
        let decided = tracks.framesDecided(afterSamples: max(window.upper, tracks.primingSamples))
        return f0..<min(f1, max(f0 + 1, decided))
    }

    /// Seconds of speech in the window's counted stretch (the share of speech among its judged frames,
    /// over its whole length), or nil when it has less than the options ask for (all of it when voice
    /// activity detection is off).
    private func speechSeconds(_ window: WindowPlan.Window, channel: Int) -> Double? {
        let rate = Double(sampleRate)
        let seconds = Double(window.upper - window.lower) / rate
        guard options.voiceActivityDetection else { return seconds }
        let judged = judgedFrames(window)
        let f1 = max(judged.lowerBound + 1, window.upper / hopLength)
        let speechFrames = Double(tracks.speechFrames(channel: channel, frames: judged)) * Double(f1 - judged.lowerBound) / Double(judged.count)
        let speech = speechFrames * Double(hopLength) / rate
        let needed = min(options.minimumSpeechSeconds, seconds * 0.5)
        return speech > 0 && speech >= needed ? speech : nil
    }

    private func submit(_ job: WindowJob) throws(AnalysisError) {
        switch scorer {
        case .session(let session):
            record(try session.scoreWindow(job, context: context, times: &times))
        case .pooled(let model, let slots):
            var spent = AnalysisTimings()
            let context = self.context
            let score = { (spent: inout AnalysisTimings) throws(AnalysisError) -> ScoredWindow in
                try model.withSession { (session) throws(AnalysisError) in try session.scoreWindow(job, context: context, times: &spent) }
            }
            let scored: ScoredWindow
            if let slots {
                scored = try slots.withSlot { () throws(AnalysisError) in try score(&spent) }
            } else {
                scored = try score(&spent)
            }
            times.features += spent.features
            times.inference += spent.inference
            record(scored)
        case .pipeline(let pipeline):
            try pipeline.submit(job)
        }
    }

    /// Keeps a scored window and reports its segment once every window of it, on every channel, is in.
    private func record(_ scored: ScoredWindow) {
        results.append(scored)
        guard var open = openSegments[scored.segment] else { return }
        if let estimate = scored.estimate { open.estimates[scored.channel].append(estimate) }
        open.left -= 1
        guard open.left == 0 else {
            openSegments[scored.segment] = open
            return
        }
        openSegments[scored.segment] = nil
        let (lower, upper) = schedule.segments[scored.segment]
        for c in 0..<channelCount {
            let estimate = SegmentEstimate(startSeconds: lower, endSeconds: upper, estimate: .combine(open.estimates[c]))
            updates.append(SegmentUpdate(channel: c, index: scored.segment, segment: estimate))
        }
    }

    /// Drops the samples no window to come will read; the copy is made once the unneeded part is at
    /// least half the buffer, so it is amortised over several blocks.
    private func dropConsumedSamples() {
        let drop = schedule.firstNeededSample(received: sampleCount) - start
        if drop > 0, drop >= samples[0].count / 2 {
            for c in 0..<channelCount { samples[c].removeFirst(min(samples[c].count, drop)) }
            start += drop
        }
    }

    // MARK: The result

    private func analysis(tracks finished: (energy: [[Float]], speech: [[Bool]])) -> SourceAnalysis {
        let conversations = withSession { session in
            (0..<channelCount).map { c in
                session.channelConversation(energy: finished.energy[c], speech: finished.speech[c],
                                            results: results.filter { $0.channel == c }, sampleCount: sampleCount)
            }
        }
        return SourceAnalysis(segments: schedule.segments, results: results, conversations: conversations, speech: finished.speech,
                              frameSeconds: Double(hopLength) / Double(sampleRate), sampleCount: sampleCount, times: times)
    }

    private func withSession<T>(_ body: (InferenceSession) -> T) -> T {
        switch scorer {
        case .session(let session): body(session)
        case .pooled(let model, _): model.withSession(body)
        case .pipeline(let pipeline): body(pipeline.session)
        }
    }

    /// Adds the time the caller spent decoding the blocks (reported with the analysis).
    func addDecodeTime(_ duration: Duration) { times.decode += duration }
}
