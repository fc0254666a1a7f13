import Dispatch
import Features
import NeuralNet

/// What to analyse in one channel: a timeline of segments and whether to skip silence.
public struct AnalysisOptions: Sendable, Equatable {
    /// Segment length, seconds; 0 = one segment covering the whole audio.
    public var segmentSeconds: Double
    /// Seconds between segment starts (defaults to `segmentSeconds`: adjacent segments).
    public var hopSeconds: Double?
    /// Detect silence and leave it out of the results.
    public var voiceActivityDetection: Bool
    /// Least speech a window needs to be scored, seconds.
    public var minimumSpeechSeconds: Double
    /// Most segments a timeline may have (nil = no limit).
    public var maximumSegments: Int?
    /// Audio up to this many samples per channel is kept from the first pass instead of being decoded
    /// again (the default, 2^20, is 65 s at 16 kHz: 4 MiB per channel).
    public var retainedSamplesLimit = 1 << 20
    /// Most windows scored at the same time, each on its own thread with its own session from the
    /// model's pool: a stereo call's channels, or a long recording's windows, use several cores. 1 =
    /// everything on the calling thread.
    public var parallelism = 1

    public init(segmentSeconds: Double = 0, hopSeconds: Double? = nil, voiceActivityDetection: Bool = true,
                minimumSpeechSeconds: Double = 0.25, maximumSegments: Int? = nil) {
        self.segmentSeconds = segmentSeconds
        self.hopSeconds = hopSeconds
        self.voiceActivityDetection = voiceActivityDetection
        self.minimumSpeechSeconds = minimumSpeechSeconds
        self.maximumSegments = maximumSegments
    }
}

/// Probabilities for some stretch of audio, and how much speech they rest on.
public struct EmotionEstimate: Sendable, Equatable {
    /// In the model's label order; nil when the stretch held no speech.
    public var probabilities: [Float]?
    /// Seconds of speech behind the estimate (all analysed seconds when VAD is off).
    public var speechSeconds: Double

    /// Index of the most probable label.
    public var topIndex: Int? {
        guard let probabilities else { return nil }
        return probabilities.indices.max { probabilities[$0] < probabilities[$1] }
    }

    /// The weighted mean of several estimates (weights = speech seconds).
    public static func combine(_ estimates: [EmotionEstimate]) -> EmotionEstimate {
        var sum: [Float]?
        var weight = 0.0
        for estimate in estimates {
            guard let p = estimate.probabilities, estimate.speechSeconds > 0 else { continue }
            let w = Float(estimate.speechSeconds)
            sum = sum.map { zip($0, p).map { $0 + $1 * w } } ?? p.map { $0 * w }
            weight += estimate.speechSeconds
        }
        guard let sum, weight > 0 else { return EmotionEstimate(probabilities: nil, speechSeconds: 0) }
        let total = sum.reduce(0, +)
        return EmotionEstimate(probabilities: sum.map { $0 / total }, speechSeconds: weight)
    }
}

/// One segment of the timeline.
public struct SegmentEstimate: Sendable, Equatable {
    public var startSeconds: Double
    public var endSeconds: Double
    public var estimate: EmotionEstimate
    public var speech: Bool { estimate.probabilities != nil }
}

/// The analysis of one channel: the whole-channel estimate and the timeline.
public struct ChannelAnalysis: Sendable {
    public var overall: EmotionEstimate
    public var segments: [SegmentEstimate]
}

/// The analysis of every channel of a source, with where the time went.
public struct SourceAnalysis: Sendable {
    public var channels: [ChannelAnalysis]
    /// Samples per channel at the model's rate.
    public var sampleCount: Int
    /// Seconds spent decoding (both passes), computing features (energy, voice activity, network
    /// input) and in the network.
    public var decodeSeconds: Double
    public var featureSeconds: Double
    public var inferenceSeconds: Double
}

extension InferenceSession {
    /// Analyses one channel of mono audio at the model's sample rate (see `analyse(_:options:)`).
    public func analyse(_ samples: [Float], options: AnalysisOptions) throws(NetworkError) -> ChannelAnalysis {
        do throws(AnalysisError) {
            return try analyse(InMemorySamples(channels: [samples]), options: options).channels[0]
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
    /// 2. Window pass: every segment of the timeline is cut into equal windows of at most the model's
    ///    `windowSeconds`; a window with enough speech (loud frames seeded by periodic ones, against the
    ///    channel's whole-recording threshold) gets calibrated probabilities; a segment's estimate is
    ///    the speech-weighted mean of its windows, a channel's that of its segments.
    public func analyse(_ source: some SampleBlockSource, options: AnalysisOptions) throws(AnalysisError) -> SourceAnalysis {
        let clock = ContinuousClock()
        let config = extractor.config
        let rate = Double(config.sampleRate)
        let channels = source.channelCount
        var decodeTime = Duration.zero, featureTime = Duration.zero, inferenceTime = Duration.zero

        // Pass 1: length and energy. Short audio is also kept, so pass 2 need not decode it again;
        // past `retainedSamplesLimit` per channel the copy is dropped and pass 2 re-reads the source.
        var energies = [StreamingFrameEnergy](repeating: StreamingFrameEnergy(config: config), count: channels)
        var retained: [[Float]]? = [[Float]](repeating: [], count: channels)
        var reader = try source.makeReader()
        while true {
            let t0 = clock.now
            guard let block = try reader.next() else { decodeTime += clock.now - t0; break }
            let t1 = clock.now
            decodeTime += t1 - t0
            for c in 0..<channels { energies[c].append(block[c]) }
            if retained != nil {
                if retained![0].count + block[0].count <= options.retainedSamplesLimit {
                    for c in 0..<channels { retained![c] += block[c] }
                } else {
                    retained = nil
                }
            }
            featureTime += clock.now - t1
        }
        let sampleCount = energies[0].sampleCount
        let energy = (0..<channels).map { energies[$0].finish() }
        let thresholds = energy.map { extractor.voiceActivityThreshold(energyDecibels: $0) }

        // The plan: every window of every segment, processed in order of their ends.
        let duration = Double(sampleCount) / rate
        let bounds = Self.timeline(duration: duration, options: options)
        if let maximum = options.maximumSegments, bounds.count > maximum { throw .tooManySegments(bounds.count, maximum: maximum) }
        let windows = planWindows(segments: bounds, sampleCount: sampleCount)
        var minimumStartFrom = [Int](repeating: Int.max, count: windows.count + 1)
        for i in stride(from: windows.count - 1, through: 0, by: -1) { minimumStartFrom[i] = min(windows[i].analysisLower, minimumStartFrom[i + 1]) }

        // Pass 2: the windows.
        var estimates = [[[EmotionEstimate]]](repeating: [[EmotionEstimate]](repeating: [], count: bounds.count), count: channels)
        var buffers = [[Float]](repeating: [], count: channels)
        var bufferStart = 0, received = 0, nextWindow = 0
        if let retained {
            reader = try InMemorySamples(channels: retained).makeReader()
        } else {
            reader = try source.makeReader()
        }
        var finished = false
        var pending: [WindowJob] = []
        let batchSize = options.parallelism > 1 ? 2 * options.parallelism : 1
        // With several threads a batch is scored in the background while this thread decodes the
        // audio of the next one; one batch at a time, so the sessions are never shared.
        var inFlight: ScoringBatch?
        func collect() throws(AnalysisError) {
            guard let batch = inFlight else { return }
            inFlight = nil
            let scored = try batch.wait()
            featureTime += scored.featureTime
            inferenceTime += scored.inferenceTime
            for (job, estimate) in zip(batch.jobs, scored.estimates) {
                if let estimate { estimates[job.channel][job.window.segment].append(estimate) }
            }
        }
        while !finished {
            let t0 = clock.now
            let block = try reader.next()
            decodeTime += clock.now - t0
            if let block {
                for c in 0..<channels { buffers[c] += block[c] }
                received += block[0].count
            } else {
                finished = true
            }
            // Every window (of every channel) whose samples have all arrived; scored in batches of a
            // few per thread so the threads stay busy (each job holds its own copy of its samples).
            while nextWindow < windows.count, windows[nextWindow].analysisUpper <= received || finished {
                let window = windows[nextWindow]
                for c in 0..<channels {
                    let samples = Array(buffers[c][(window.analysisLower - bufferStart)..<(min(received, window.analysisUpper) - bufferStart)])
                    pending.append(WindowJob(window: window, channel: c, samples: samples))
                }
                nextWindow += 1
            }
            if pending.count >= batchSize || (finished && !pending.isEmpty) {
                try collect()
                let batch = ScoringBatch(session: self, jobs: pending, energy: energy, thresholds: thresholds, options: options, clock: clock)
                if options.parallelism > 1 { batch.start() } else { batch.run() }
                inFlight = batch
                pending = []
            }
            // Keep only samples that windows still to come will read; the copy is made once the
            // unneeded part is at least half the buffer, so it is amortised over several blocks.
            let drop = min(received, minimumStartFrom[nextWindow]) - bufferStart
            if drop > 0, drop >= buffers[0].count / 2 {
                for c in 0..<channels { buffers[c].removeFirst(min(buffers[c].count, drop)) }
                bufferStart += drop
            }
        }
        try collect()

        let analyses = (0..<channels).map { c in
            let segments = bounds.enumerated().map { index, bound in
                SegmentEstimate(startSeconds: bound.0, endSeconds: bound.1, estimate: .combine(estimates[c][index]))
            }
            return ChannelAnalysis(overall: .combine(segments.map(\.estimate)), segments: segments)
        }
        return SourceAnalysis(channels: analyses, sampleCount: sampleCount, decodeSeconds: decodeTime / .seconds(1),
                              featureSeconds: featureTime / .seconds(1), inferenceSeconds: inferenceTime / .seconds(1))
    }

    /// One window of one segment: the stretch whose speech counts (`lower..<upper`) and the stretch the
    /// network reads (`analysisLower..<analysisUpper`, widened to the network's minimum when short).
    struct Window {
        var segment: Int
        var lower: Int
        var upper: Int
        var analysisLower: Int
        var analysisUpper: Int
    }

    func planWindows(segments: [(Double, Double)], sampleCount: Int) -> [Window] {
        let rate = Double(extractor.config.sampleRate)
        let windowSamples = max(1, Int(model.manifest.input.windowSeconds * rate))
        let minimumSamples = max(model.network.minimumTime * extractor.config.hopLength, Int(0.5 * rate))
        var windows: [Window] = []
        for (index, (startSecond, endSecond)) in segments.enumerated() {
            let first = min(sampleCount, Int(startSecond * rate)), last = min(sampleCount, Int((endSecond * rate).rounded()))
            let count = max(1, last - first)
            let pieces = max(1, (count + windowSamples - 1) / windowSamples)
            for w in 0..<pieces {
                let lower = first + w * count / pieces, upper = min(sampleCount, first + (w + 1) * count / pieces)
                var analysisLower = lower, analysisUpper = max(upper, lower)
                if analysisUpper - analysisLower < minimumSamples {
                    analysisUpper = min(sampleCount, analysisLower + minimumSamples)
                    analysisLower = max(0, analysisUpper - minimumSamples)
                }
                windows.append(Window(segment: index, lower: lower, upper: max(upper, lower), analysisLower: analysisLower, analysisUpper: analysisUpper))
            }
        }
        return windows.sorted { ($0.analysisUpper, $0.analysisLower) < ($1.analysisUpper, $1.analysisLower) }
    }

    /// One window of one channel, with its samples (`analysisLower..<analysisUpper`).
    struct WindowJob: Sendable {
        var window: Window
        var channel: Int
        var samples: [Float]
    }

    /// Scores `jobs` in order on up to `options.parallelism` threads: this session on the calling thread
    /// and, for the others, sessions from the model's pool (so no two threads share feature buffers or
    /// a network workspace). Feature and inference times are summed over the threads.
    fileprivate func score(_ jobs: [WindowJob], energy: [[Float]], thresholds: [Double], options: AnalysisOptions,
                       clock: ContinuousClock) throws(AnalysisError) -> (estimates: [EmotionEstimate?], featureTime: Duration, inferenceTime: Duration) {
        let workers = max(1, min(options.parallelism, jobs.count))
        let outcomes = DisjointSlots<Result<EmotionEstimate?, AnalysisError>>(count: jobs.count, initial: .success(nil))
        let featureTimes = DisjointSlots<Duration>(count: workers, initial: .zero)
        let inferenceTimes = DisjointSlots<Duration>(count: workers, initial: .zero)
        // Worker w takes jobs w, w + workers, ... and writes only their slots and its own timers.
        let work = { @Sendable (w: Int, session: InferenceSession) in
            for j in stride(from: w, to: jobs.count, by: workers) {
                let job = jobs[j]
                outcomes[j] = Result { () throws(AnalysisError) -> EmotionEstimate? in
                    try session.scoreWindow(job.samples, window: job.window, energy: energy[job.channel],
                                            threshold: thresholds[job.channel], options: options, clock: clock,
                                            featureTime: &featureTimes[w], inferenceTime: &inferenceTimes[w])
                }
            }
        }
        if workers == 1 {
            work(0, self)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { [model] w in
                if w == 0 { work(0, self) } else { model.withSession { work(w, $0) } }
            }
        }
        var estimates: [EmotionEstimate?] = []
        estimates.reserveCapacity(jobs.count)
        for j in 0..<jobs.count { estimates.append(try outcomes[j].get()) }
        let featureTime = (0..<workers).reduce(Duration.zero) { $0 + featureTimes[$1] }
        let inferenceTime = (0..<workers).reduce(Duration.zero) { $0 + inferenceTimes[$1] }
        return (estimates, featureTime, inferenceTime)
    }

    /// Calibrated probabilities for one window, or nil when voice activity finds too little speech.
    fileprivate func scoreWindow(_ samples: [Float], window: Window, energy: [Float], threshold: Double, options: AnalysisOptions,
                             clock: ContinuousClock, featureTime: inout Duration, inferenceTime: inout Duration) throws(AnalysisError) -> EmotionEstimate? {
        let config = extractor.config
        let rate = Double(config.sampleRate), hop = config.hopLength
        let start = clock.now
        let speech: Double
        if options.voiceActivityDetection {
            // Frames of the counted stretch, against the channel's energy track from the first pass.
            let f0 = min(energy.count, window.lower / hop), f1 = min(energy.count, max(f0 + 1, window.upper / hop))
            let loud = energy[f0..<f1].contains { Double($0) > threshold }
            if !loud {
                featureTime += clock.now - start
                return nil
            }
            // Voicing only for windows with loud frames: silence costs no pitch tracking.
            let counted = Array(samples[(window.lower - window.analysisLower)..<(window.upper - window.analysisLower)])
            let frames = f1 - f0
            let voiced = voicing(counted, frames: frames)
            let mask = extractor.voiceActivity(energyDecibels: Array(energy[f0..<f1]),
                                               pitch: PitchTrack(frequencies: [Float](repeating: 0, count: frames),
                                                                 aperiodicity: voiced.map { $0 ? 0 : 1 }, voiced: voiced),
                                               threshold: threshold)
            speech = Double(mask.lazy.filter { $0 }.count) * Double(hop) / rate
            let needed = min(options.minimumSpeechSeconds, Double(window.upper - window.lower) / rate * 0.5)
            if speech < needed {
                featureTime += clock.now - start
                return nil
            }
        } else {
            speech = Double(window.upper - window.lower) / rate
        }
        let minimumSamples = max(model.network.minimumTime * hop, Int(0.5 * rate))
        var input = samples
        if input.count < minimumSamples { input += [Float](repeating: 0, count: minimumSamples - input.count) }
        let assembled = self.input(for: input)
        let inferenceStart = clock.now
        featureTime += inferenceStart - start
        let probabilities: [Float]
        do throws(NetworkError) {
            probabilities = try self.probabilities(forInput: assembled)
        } catch {
            throw .network(error)
        }
        inferenceTime += clock.now - inferenceStart
        return EmotionEstimate(probabilities: probabilities, speechSeconds: speech)
    }

    /// Segment boundaries `[start, end)` in seconds covering `[0, duration)`.
    static func timeline(duration: Double, options: AnalysisOptions) -> [(Double, Double)] {
        guard options.segmentSeconds > 0, options.segmentSeconds < duration else { return [(0, duration)] }
        let hop = options.hopSeconds ?? options.segmentSeconds
        var bounds: [(Double, Double)] = []
        var k = 0
        while true {
            // k · hop rather than a running sum: no drift over thousands of segments.
            let start = Double(k) * hop
            guard start < duration - 1e-9 else { break }
            bounds.append((start, min(duration, start + options.segmentSeconds)))
            if start + options.segmentSeconds >= duration { break }
            k += 1
        }
        return bounds
    }

}

/// One batch of window jobs scored on `options.parallelism` threads, either on the calling thread
/// (`run`) or in the background (`start`) while the caller decodes more audio; `wait` returns the
/// estimates in job order. The session and the jobs are used by the batch alone until `wait` returns.
private final class ScoringBatch: @unchecked Sendable {
    typealias Outcome = (estimates: [EmotionEstimate?], featureTime: Duration, inferenceTime: Duration)
    let session: InferenceSession
    let jobs: [InferenceSession.WindowJob]
    let energy: [[Float]]
    let thresholds: [Double]
    let options: AnalysisOptions
    let clock: ContinuousClock
    private var outcome: Result<Outcome, AnalysisError>?
    private let done = DispatchGroup()

    init(session: InferenceSession, jobs: [InferenceSession.WindowJob], energy: [[Float]], thresholds: [Double],
         options: AnalysisOptions, clock: ContinuousClock) {
        self.session = session
        self.jobs = jobs
        self.energy = energy
        self.thresholds = thresholds
        self.options = options
        self.clock = clock
    }

    /// Scores the batch now, on this thread (and the pool's).
    func run() {
        outcome = Result { () throws(AnalysisError) -> Outcome in
            try session.score(jobs, energy: energy, thresholds: thresholds, options: options, clock: clock)
        }
    }

    /// Scores the batch on a background thread.
    func start() {
        DispatchQueue.global().async(group: done) { self.run() }
    }

    /// Waits for the batch (no wait after `run`) and returns its estimates and times.
    func wait() throws(AnalysisError) -> Outcome {
        done.wait()
        return try outcome!.get()
    }
}

/// A fixed number of values that several threads write at once, each only to its own indices, and that
/// are read after every writer has finished (`DispatchQueue.concurrentPerform` returns only then).
private final class DisjointSlots<Element>: @unchecked Sendable {
    private let values: UnsafeMutablePointer<Element>
    private let count: Int

    init(count: Int, initial: Element) {
        self.count = count
        values = .allocate(capacity: count)
        values.initialize(repeating: initial, count: count)
    }

    subscript(index: Int) -> Element {
        get { values[index] }
        _modify { yield &values[index] }
        set { values[index] = newValue }
    }

    deinit {
        values.deinitialize(count: count)
        values.deallocate()
    }
}
