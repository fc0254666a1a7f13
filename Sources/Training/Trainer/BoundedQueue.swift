import Foundation

/// A blocking first-in first-out queue of at most `capacity` elements between one producer thread and
/// one consumer: `put` waits while full, `take` waits while empty and returns nil once the producer
/// has called `finish()` and everything was taken.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var finished = false
    private var cancelled = false
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Adds an element; returns false (dropping it) when the consumer cancelled.
    @discardableResult
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer stops early: unblocks and stops the producer.
    func cancel() {
        condition.lock()
        cancelled = true
        finished = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
