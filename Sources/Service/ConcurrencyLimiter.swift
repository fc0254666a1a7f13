import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Bounds the predictions running at once and the ones waiting for a slot. A request beyond both
/// bounds, or one that waits longer than the timeout, is refused at once (503 with Retry-After) rather
/// than queued without bound.
final class ConcurrencyLimiter: Sendable {
    private struct State {
        var running = 0
        var waiting = 0
    }

    let maxRunning: Int
    let maxWaiting: Int
    let timeout: Duration
    private let state = Mutex(State())

    init(maxRunning: Int, maxWaiting: Int, timeoutSeconds: Double) {
        precondition(maxRunning >= 1 && maxWaiting >= 0)
        self.maxRunning = maxRunning
        self.maxWaiting = maxWaiting
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
    }

    enum Refusal: Error { case queueFull, timedOut }

    /// Runs `body` in a slot, waiting for one if needed.
    func run<T>(_ body: () throws(APIError) -> T) throws(APIError) -> T {
        switch acquire() {
        case .success: break
        case .failure(.queueFull):
            throw APIError.unavailable("the server is at capacity (\(maxRunning) running, \(maxWaiting) queued); retry shortly", retryAfterSeconds: 1)
        case .failure(.timedOut):
            throw APIError.unavailable("no prediction slot became free in time; retry shortly", retryAfterSeconds: 2)
        }
        defer { state.withLock { $0.running -= 1 } }
        return try body()
    }

    var running: Int { state.withLock { $0.running } }
    var waiting: Int { state.withLock { $0.waiting } }

    private func acquire() -> Result<Void, Refusal> {
        let admitted = state.withLock { state -> Bool? in
            if state.running < maxRunning { state.running += 1; return true }
            if state.waiting >= maxWaiting { return nil }
            state.waiting += 1
            return false
        }
        guard let admitted else { return .failure(.queueFull) }
        if admitted { return .success(()) }
        // Wait with short sleeps: predictions take milliseconds to seconds, so a 1 ms poll costs
        // nothing measurable and needs no condition variable shared with the HTTP threads.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let got = state.withLock { state -> Bool in
                if state.running < maxRunning { state.running += 1; state.waiting -= 1; return true }
                return false
            }
            if got { return .success(()) }
            if clock.now >= deadline {
                state.withLock { $0.waiting -= 1 }
                return .failure(.timedOut)
            }
            usleep(1000)
        }
    }
}
