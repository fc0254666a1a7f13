import Dispatch
import Synchronization

/// Bounds the predictions running at once and the ones waiting for a slot. A request beyond both
/// bounds, or one that waits longer than the timeout, is refused at once (503 with Retry-After) rather
/// than queued without bound.
///
/// Waiters are served first come, first served: a finishing prediction hands its slot straight to
/// the longest-waiting request and wakes it (no polling), so under steady overload every request
/// waits about the same time and no slot sits idle between two predictions (polling would let late
/// arrivals overtake early ones, stretching the tail latency).
final class ConcurrencyLimiter: Sendable {
    /// One waiting request; signalled when it has been given a slot.
    private final class Waiter: Sendable {
        let granted = DispatchSemaphore(value: 0)
    }

    private struct State {
        var running = 0
        /// Oldest first; at most `maxWaiting` (small), so removal from the front is cheap.
        var queue: [Waiter] = []
    }

    let maxRunning: Int
    let maxWaiting: Int
    let timeoutSeconds: Double
    private let state = Mutex(State())

    init(maxRunning: Int, maxWaiting: Int, timeoutSeconds: Double) {
        precondition(maxRunning >= 1 && maxWaiting >= 0)
        self.maxRunning = maxRunning
        self.maxWaiting = maxWaiting
        self.timeoutSeconds = timeoutSeconds
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
        defer { release() }
        return try body()
    }

    var running: Int { state.withLock { $0.running } }
    var waiting: Int { state.withLock { $0.queue.count } }

    private enum Admission { case admitted, refused, queued(Waiter) }

    private func acquire() -> Result<Void, Refusal> {
        let admission = state.withLock { state -> Admission in
            // A free slot goes to a newcomer only when nobody is waiting for it.
            if state.running < maxRunning && state.queue.isEmpty { state.running += 1; return .admitted }
            if state.queue.count >= maxWaiting { return .refused }
            let waiter = Waiter()
            state.queue.append(waiter)
            return .queued(waiter)
        }
        switch admission {
        case .admitted: return .success(())
        case .refused: return .failure(.queueFull)
        case .queued(let waiter):
            if waiter.granted.wait(timeout: .now() + timeoutSeconds) == .success { return .success(()) }
            let stillQueued = state.withLock { state -> Bool in
                guard let index = state.queue.firstIndex(where: { $0 === waiter }) else { return false }
                state.queue.remove(at: index)
                return true
            }
            if stillQueued { return .failure(.timedOut) }
            // A slot was handed over between the timeout and the lock: take it (its signal is due).
            waiter.granted.wait()
            return .success(())
        }
    }

    /// Passes the slot to the longest-waiting request, or frees it.
    private func release() {
        let next = state.withLock { state -> Waiter? in
            if state.queue.isEmpty { state.running -= 1; return nil }
            return state.queue.removeFirst()  // `running` unchanged: the slot changes hands
        }
        next?.granted.signal()
    }
}
