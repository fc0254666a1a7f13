import Analysis
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The live streams open now: the limit on how many, the windows they score at once, and the drain
/// at shutdown (each stream sees `isDraining`, sends its summary and a 1001 close, and ends).
final class StreamHub: Sendable {
    let limits: StreamLimits
    /// Windows of all streams scored at the same time (one per core by default, as predictions).
    let scoringSlots: ScoringSlots
    private let open = Mutex<Int>(0)
    private let draining = Atomic<Bool>(false)

    init(limits: StreamLimits, scoringSlots: Int) {
        self.limits = limits
        self.scoringSlots = ScoringSlots(count: scoringSlots)
    }

    /// Streams open now.
    var openStreams: Int { open.withLock { $0 } }

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Whether another stream may open now (checked before the upgrade, so a refusal is an HTTP 503).
    var hasRoom: Bool { !isDraining && openStreams < limits.maxStreams }

    /// Takes a place for a stream that has been upgraded; false when the limit was reached meanwhile
    /// or shutdown began (the stream then closes at once with 1013).
    func enter() -> Bool {
        open.withLock { count in
            guard !isDraining, count < limits.maxStreams else { return false }
            count += 1
            return true
        }
    }

    func leave() { open.withLock { $0 -= 1 } }

    /// Tells every stream to end (summary, then a 1001 close) and waits up to `timeout` for them to;
    /// returns the number still open.
    @discardableResult
    func drain(timeout: Duration) -> Int {
        draining.store(true, ordering: .relaxed)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while openStreams > 0, clock.now < deadline { usleep(5_000) }
        return openStreams
    }
}
