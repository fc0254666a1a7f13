import Dispatch
import Model
import Synchronization

/// Window jobs flowing from the decoding thread to `workers` scoring threads through a queue of at
/// most `2 · workers` jobs (so memory stays bounded however long the audio), each thread with its own
/// session: the caller's for the first, sessions from the model's pool for the others. Unlike
/// fixed batches, no thread waits for the slowest job of a batch. `finish()` returns the estimates in
/// submission order; the first error stops the scoring and is thrown by `submit` or `finish`.
final class ScoringPipeline: @unchecked Sendable {
    typealias Scored = (results: [ScoredWindow], featureTime: Duration, inferenceTime: Duration)
    private struct State {
        /// Submitted jobs; a taken one is set to nil at once, so its samples are freed when scored.
        var queue: [(index: Int, job: WindowJob)?] = []
        var head = 0
        var error: AnalysisError?
        var results: [(index: Int, scored: ScoredWindow)] = []
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
    /// The caller's session, which the first scoring thread uses until `finish()` returns.
    let session: InferenceSession

    init(session: InferenceSession, workers: Int, context: WindowScoringContext) {
        self.workers = workers
        self.session = session
        space = DispatchSemaphore(value: 2 * workers)
        let unchecked = UncheckedSession(session: session)
        for w in 0..<workers {
            DispatchQueue.global().async(group: running) { [self] in
                if w == 0 {
                    work(unchecked.session, context: context)
                } else {
                    unchecked.session.model.withSession { work($0, context: context) }
                }
            }
        }
    }

    /// One scoring thread: takes jobs until `finish()` has been called and the queue is empty.
    private func work(_ session: InferenceSession, context: WindowScoringContext) {
        var times = AnalysisTimings()
        while true {
            available.wait()
            let next = state.withLock { state -> (index: Int, job: WindowJob)? in
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
                let scored = try session.scoreWindow(job, context: context, times: &times)
                state.withLock { $0.results.append((index, scored)) }
            } catch {
                state.withLock { if $0.error == nil { $0.error = error } }
            }
        }
        state.withLock {
            $0.featureTime += times.features
            $0.inferenceTime += times.inference
        }
    }

    /// Queues a job, waiting while the queue is full; throws as soon as a scoring thread has failed.
    func submit(_ job: WindowJob) throws(AnalysisError) {
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
