/// Which windows an analysis scores, and when their samples are all in: the timeline of a recording
/// whose length is known from the start (every window planned at once), or a timeline that grows with
/// the audio (a live stream, or a segmented analysis of a file), where a segment is planned once all
/// its samples have arrived and the rest of the timeline when the audio ends.
///
/// Both give the same windows as `WindowPlan.timeline` and `WindowPlan.windows` over the whole
/// recording: a complete segment `[k·hop, k·hop + segment)` does not depend on what follows it, and
/// a growing timeline never plans a segment before it is complete.
struct WindowSchedule {
    let plan: WindowPlan
    let options: AnalysisOptions
    /// Segments planned so far (`[start, end)` seconds), numbered in order.
    private(set) var segments: [(Double, Double)] = []
    /// Windows (per channel) of each planned segment.
    private(set) var windowsPerSegment: [Int] = []
    /// Planned windows not yet handed out, in the order their samples complete; `head` is the next.
    private var pending: [WindowPlan.Window] = []
    private var head = 0
    /// Whether the whole timeline is planned (the length was known, or the audio ended).
    private(set) var complete = false

    /// A schedule for `sampleCount` samples per channel when known; nil grows it with the audio (only
    /// for a segmented timeline: one whole-audio segment needs the length).
    init(plan: WindowPlan, options: AnalysisOptions, sampleCount: Int?) throws(AnalysisError) {
        precondition(sampleCount != nil || options.segmentSeconds > 0, "WindowSchedule: a whole-audio segment needs the length")
        self.plan = plan
        self.options = options
        if let sampleCount { try planRest(sampleCount: sampleCount) }
    }

    private var hopSeconds: Double { options.hopSeconds ?? options.segmentSeconds }

    /// The next window, if its samples are all among the `received` (any window once `complete` and
    /// the audio has ended), without taking it.
    func next(received: Int, ended: Bool) -> WindowPlan.Window? {
        guard head < pending.count, ended || pending[head].analysisUpper <= received else { return nil }
        return pending[head]
    }

    /// Takes the window `next` returned.
    mutating func take() {
        head += 1
        if head > 64 && head * 2 > pending.count {
            pending.removeFirst(head)
            head = 0
        }
    }

    /// The first sample a window still to be scored may read: samples before it can be dropped.
    func firstNeededSample(received: Int) -> Int {
        var first = pending[head...].lazy.map(\.analysisLower).min() ?? Int.max
        if !complete {
            // Unplanned segments start at their own start, or reach back `minimumSamples` from the end
            // of the audio when the last one is widened.
            let nextStart = Int(Double(segments.count) * hopSeconds * Double(plan.sampleRate))
            first = min(first, nextStart, max(0, received - plan.minimumSamples))
        }
        return min(first, received)
    }

    /// Plans every segment of a growing timeline whose samples have all arrived.
    mutating func advance(received: Int) throws(AnalysisError) {
        guard !complete else { return }
        let rate = Double(plan.sampleRate)
        while true {
            let start = Double(segments.count) * hopSeconds, end = start + options.segmentSeconds
            guard Int((end * rate).rounded()) <= received else { return }
            try add([(start, end)], sampleCount: Int.max)
        }
    }

    /// Plans the rest of the timeline of a recording of `sampleCount` samples per channel.
    mutating func finish(sampleCount: Int) throws(AnalysisError) {
        guard !complete else { return }
        try planRest(sampleCount: sampleCount)
    }

    private mutating func planRest(sampleCount: Int) throws(AnalysisError) {
        let duration = Double(sampleCount) / Double(plan.sampleRate)
        let timeline = WindowPlan.timeline(duration: duration, segmentSeconds: options.segmentSeconds, hopSeconds: options.hopSeconds)
        if timeline.count > segments.count { try add(Array(timeline[segments.count...]), sampleCount: sampleCount) }
        complete = true
    }

    private mutating func add(_ new: [(Double, Double)], sampleCount: Int) throws(AnalysisError) {
        if let maximum = options.maximumSegments, segments.count + new.count > maximum {
            throw .tooManySegments(segments.count + new.count, maximum: maximum)
        }
        let windows = plan.windows(segments: new, sampleCount: sampleCount, firstSegment: segments.count)
        windowsPerSegment += [Int](repeating: 0, count: new.count)
        for window in windows { windowsPerSegment[window.segment] += 1 }
        pending += windows
        segments += new
    }
}
