import Dispatch

/// At most `count` windows scored at the same time across many analyses (live streams, each on its
/// own thread): the model's session pool then holds at most `count` sessions for them, and a burst
/// of segments completing together is scored a few at a time, in arrival order, instead of all
/// threads sharing the cores at once.
public final class ScoringSlots: Sendable {
    public let count: Int
    private let semaphore: DispatchSemaphore

    public init(count: Int) {
        precondition(count > 0, "ScoringSlots: at least one slot")
        self.count = count
        semaphore = DispatchSemaphore(value: count)
    }

    /// Runs `body` in a slot, waiting for one to be free.
    func withSlot<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        semaphore.wait()
        defer { semaphore.signal() }
        return try body()
    }
}
