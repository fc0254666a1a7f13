import Dispatch
import Features
import NeuralNet
import Synchronization

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
    /// again (the default, 2^18, is 16 s at 16 kHz: 1 MiB per channel). Longer audio is decoded twice:
    /// that costs a few ms per minute (PCM, or 8 kHz resampled), while keeping a 60 s clip would hold
    /// 4 MiB per request in flight.
    public var retainedSamplesLimit = 1 << 18
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
    ///
    /// Without voice activity detection the energy pass would only measure the length; when the
    /// source declares it (`expectedSampleCount`: a WAV or FLAC header, samples in memory) that pass is
    /// skipped, and if the window pass then delivers another length the analysis starts over with
    /// both passes, so the result is always the two-pass one.
    public func analyse(_ source: some SampleBlockSource, options: AnalysisOptions) throws(AnalysisError) -> SourceAnalysis {
        let clock = ContinuousClock()
        let channels = source.channelCount
        var times = Timings()
        if !options.voiceActivityDetection, let expected = source.expectedSampleCount, expected > 0 {
            let silent = [[Float]](repeating: [], count: channels)
            if let analysis = try windowPass(try source.makeReader(), sampleCount: expected, exactLength: true,
                                             energy: silent, thresholds: [Double](repeating: 0, count: channels),
                                             options: options, clock: clock, times: &times) {
                return analysis
            }
        }

        // Pass 1: length and energy. Short audio is also kept, so pass 2 need not decode it again;
        // past `retainedSamplesLimit` per channel the copy is dropped and pass 2 re-reads the source.
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
        let sampleCount = energies[0].sampleCount
        let energy = (0..<channels).map { energies[$0].finish() }
        let thresholds = energy.map { extractor.voiceActivityThreshold(energyDecibels: $0) }
        let secondReader: any SampleBlockReader
        if let retained {
            secondReader = try InMemorySamples(channels: retained).makeReader()
        } else {
            secondReader = try source.makeReader()
        }
        // An exact length was measured, so the window pass always completes.
        return try windowPass(secondReader, sampleCount: sampleCount, exactLength: false, energy: energy, thresholds: thresholds,
                              options: options, clock: clock, times: &times)!
    }

    /// Seconds spent so far, summed over threads.
    struct Timings {
        var decode = Duration.zero, features = Duration.zero, inference = Duration.zero
    }

    /// Pass 2: reads `reader` to the end and scores every window of the timeline planned for
    /// `sampleCount` samples per channel. With `exactLength` (a length the source promised, not one
    /// pass 1 measured) it returns nil, having scored nothing more, if the reader delivers another
    /// number of samples.
    private func windowPass(_ reader: any SampleBlockReader, sampleCount: Int, exactLength: Bool, energy: [[Float]],
                            thresholds: [Double], options: AnalysisOptions, clock: ContinuousClock,
                            times: inout Timings) throws(AnalysisError) -> SourceAnalysis? {
        let rate = Double(extractor.config.sampleRate)
        let channels = energy.count

        // The plan: every window of every segment, processed in order of their ends.
        let duration = Double(sampleCount) / rate
        let bounds = Self.timeline(duration: duration, options: options)
        if let maximum = options.maximumSegments, bounds.count > maximum { throw .tooManySegments(bounds.count, maximum: maximum) }
        let windows = planWindows(segments: bounds, sampleCount: sampleCount)
        var minimumStartFrom = [Int](repeating: Int.max, count: windows.count + 1)
        for i in stride(from: windows.count - 1, through: 0, by: -1) { minimumStartFrom[i] = min(windows[i].analysisLower, minimumStartFrom[i + 1]) }

        var estimates = [[[EmotionEstimate]]](repeating: [[EmotionEstimate]](repeating: [], count: bounds.count), count: channels)
        var buffers = [[Float]](repeating: [], count: channels)
        var bufferStart = 0, received = 0, nextWindow = 0
        var finished = false
        // One thread: every window scored here as soon as its samples are in. Several: windows flow
        // through a bounded queue to `parallelism` scoring threads while this thread decodes on.
        // (Never more threads than jobs: a short clip's single window is scored right here, without
        // handing it to another thread.)
        let workers = min(options.parallelism, windows.count * channels)
        let pipeline = workers > 1
            ? ScoringPipeline(session: self, workers: workers, energy: energy, thresholds: thresholds,
                              options: options, clock: clock)
            : nil
        var serialResults: [ScoredWindow] = []
        do throws(AnalysisError) {
            while !finished {
                let t0 = clock.now
                let block = try reader.next()
                times.decode += clock.now - t0
                if let block {
                    for c in 0..<channels { buffers[c] += block[c] }
                    received += block[0].count
                    if exactLength && received > sampleCount { break }  // longer than promised
                } else {
                    finished = true
                    if exactLength && received != sampleCount { break }  // shorter than promised
                }
                // Every window (of every channel) whose samples have all arrived (each job holds its own
                // copy of its samples).
                while nextWindow < windows.count, windows[nextWindow].analysisUpper <= received || finished {
                    let window = windows[nextWindow]
                    for c in 0..<channels {
                        let samples = Array(buffers[c][(window.analysisLower - bufferStart)..<(min(received, window.analysisUpper) - bufferStart)])
                        let job = WindowJob(window: window, channel: c, samples: samples)
                        if let pipeline {
                            try pipeline.submit(job)
                        } else {
                            let estimate = try scoreWindow(job.samples, window: window, energy: energy[c], threshold: thresholds[c],
                                                           options: options, clock: clock, featureTime: &times.features,
                                                           inferenceTime: &times.inference)
                            serialResults.append(ScoredWindow(channel: c, segment: window.segment, estimate: estimate))
                        }
                    }
                    nextWindow += 1
                }
                // Keep only samples that windows still to come will read; the copy is made once the
                // unneeded part is at least half the buffer, so it is amortised over several blocks.
                let drop = min(received, minimumStartFrom[nextWindow]) - bufferStart
                if drop > 0, drop >= buffers[0].count / 2 {
                    for c in 0..<channels { buffers[c].removeFirst(min(buffers[c].count, drop)) }
                    bufferStart += drop
                }
            }
        } catch {
            _ = try? pipeline?.finish()  // stop the scoring threads before giving up
            throw error
        }
        let results: [ScoredWindow]
        if let pipeline {
            let scored = try pipeline.finish()
            times.features += scored.featureTime
            times.inference += scored.inferenceTime
            results = scored.results
        } else {
            results = serialResults
        }
        if exactLength && received != sampleCount { return nil }
        // In submission order, so the speech-weighted means add up in the same order on any thread count.
        for result in results {
            if let estimate = result.estimate { estimates[result.channel][result.segment].append(estimate) }
        }

        let analyses = (0..<channels).map { c in
            let segments = bounds.enumerated().map { index, bound in
                SegmentEstimate(startSeconds: bound.0, endSeconds: bound.1, estimate: .combine(estimates[c][index]))
            }
            return ChannelAnalysis(overall: .combine(segments.map(\.estimate)), segments: segments)
        }
        return SourceAnalysis(channels: analyses, sampleCount: sampleCount, decodeSeconds: times.decode / .seconds(1),
                              featureSeconds: times.features / .seconds(1), inferenceSeconds: times.inference / .seconds(1))
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

    /// A scored window: where its estimate goes. Not the job, whose samples are dropped once scored
    /// (keeping them would hold the whole recording by the end).
    struct ScoredWindow: Sendable {
        var channel: Int
        var segment: Int
        var estimate: EmotionEstimate?
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

/// Window jobs flowing from the decoding thread to `workers` scoring threads through a queue of at
/// most `2 · workers` jobs (so memory stays bounded however long the audio), each thread with its own
/// session: the caller's for the first, sessions from the model's pool for the others. Unlike
/// fixed batches, no thread waits for the slowest job of a batch. `finish()` returns the estimates in
/// submission order; the first error stops the scoring and is thrown by `submit` or `finish`.
private final class ScoringPipeline: @unchecked Sendable {
    typealias Scored = (results: [InferenceSession.ScoredWindow], featureTime: Duration, inferenceTime: Duration)
    private struct State {
        /// Submitted jobs; a taken one is set to nil at once, so its samples are freed when scored.
        var queue: [(index: Int, job: InferenceSession.WindowJob)?] = []
        var head = 0
        var error: AnalysisError?
        var results: [(index: Int, scored: InferenceSession.ScoredWindow)] = []
        var featureTime = Duration.zero
        var inferenceTime = Duration.zero
    }
    private let state = Mutex(State())
    /// Jobs waiting in the queue (plus one wake-up per worker from `finish()`, which ends it once the
    /// queue is empty).
    private let available = DispatchSemaphore(value: 0)
    /// Free places in the queue.
    private let space: DispatchSemaphore
    private let running = DispatchGroup()
    private let workers: Int
    private var submitted = 0

    init(session: InferenceSession, workers: Int, energy: [[Float]], thresholds: [Double], options: AnalysisOptions,
         clock: ContinuousClock) {
        self.workers = workers
        space = DispatchSemaphore(value: 2 * workers)
        let unchecked = UncheckedSession(session: session)
        for w in 0..<workers {
            DispatchQueue.global().async(group: running) { [self] in
                if w == 0 {
                    work(unchecked.session, energy: energy, thresholds: thresholds, options: options, clock: clock)
                } else {
                    unchecked.session.model.withSession { work($0, energy: energy, thresholds: thresholds, options: options, clock: clock) }
                }
            }
        }
    }

    /// One scoring thread: takes jobs until `finish()` has been called and the queue is empty.
    private func work(_ session: InferenceSession, energy: [[Float]], thresholds: [Double], options: AnalysisOptions,
                      clock: ContinuousClock) {
        var featureTime = Duration.zero, inferenceTime = Duration.zero
        while true {
            available.wait()
            let next = state.withLock { state -> (index: Int, job: InferenceSession.WindowJob)? in
                guard state.head < state.queue.count else { return nil }
                defer {
                    state.queue[state.head] = nil
                    state.head += 1
                }
                return state.queue[state.head]
            }
            guard let (index, job) = next else { break }  // finished and drained
            space.signal()
            if state.withLock({ $0.error != nil }) { continue }  // failed: drain without scoring
            do throws(AnalysisError) {
                let estimate = try session.scoreWindow(job.samples, window: job.window, energy: energy[job.channel],
                                                       threshold: thresholds[job.channel], options: options, clock: clock,
                                                       featureTime: &featureTime, inferenceTime: &inferenceTime)
                let scored = InferenceSession.ScoredWindow(channel: job.channel, segment: job.window.segment, estimate: estimate)
                state.withLock { $0.results.append((index, scored)) }
            } catch {
                state.withLock { if $0.error == nil { $0.error = error } }
            }
        }
        state.withLock {
            $0.featureTime += featureTime
            $0.inferenceTime += inferenceTime
        }
    }

    /// Queues a job, waiting while the queue is full; throws as soon as a scoring thread has failed.
    func submit(_ job: InferenceSession.WindowJob) throws(AnalysisError) {
        if let error = state.withLock({ $0.error }) { throw error }
        space.wait()
        state.withLock { state in
            // Forget the jobs already taken, now and then, so the queue's storage stays small.
            if state.head > 64 && state.head * 2 > state.queue.count {
                state.queue.removeFirst(state.head)
                state.head = 0
            }
            state.queue.append((submitted, job))
        }
        submitted += 1
        available.signal()
    }

    /// Closes the queue, waits for the scoring threads and returns every estimate in submission order.
    func finish() throws(AnalysisError) -> Scored {
        for _ in 0..<workers { available.signal() }
        running.wait()
        let done = state.withLock { $0 }
        if let error = done.error { throw error }
        let ordered = done.results.sorted { $0.index < $1.index }.map(\.scored)
        return (ordered, done.featureTime, done.inferenceTime)
    }
}

/// The caller's session, handed to its scoring thread; the caller does not use it until `finish()`.
private struct UncheckedSession: @unchecked Sendable {
    let session: InferenceSession
}
