import Foundation
import Synchronization
import Testing
@testable import Service

extension ConcurrencyLimiter {
    /// Takes a slot on a new thread and keeps it until `release` is signalled (or 60 s pass); returns
    /// once the slot is held, with a semaphore signalled when the holder has let go. Tests hold slots
    /// this way so outcomes never depend on how long a prediction takes.
    func holdSlot(until release: DispatchSemaphore) -> DispatchSemaphore {
        let held = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? self.run { () throws(APIError) -> Int in
                held.signal()
                _ = release.wait(timeout: .now() + 60)
                return 0
            }
            finished.signal()
        }
        #expect(held.wait(timeout: .now() + 60) == .success)
        return finished
    }
}

/// The prediction slots: first come, first served; bounded queue; timeouts; no slot lost.
@Suite(.timeLimit(.minutes(1)))
struct ConcurrencyLimiterTests {
    /// Waits (bounded) until `count` requests are queued.
    func waitForQueue(_ limiter: ConcurrencyLimiter, count: Int) {
        let deadline = Date().addingTimeInterval(10)
        while limiter.waiting < count && Date() < deadline { usleep(1000) }
        #expect(limiter.waiting == count)
    }

    @Test func waitersRunInArrivalOrder() {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 8, timeoutSeconds: 30)
        let release = DispatchSemaphore(value: 0)
        let holder = limiter.holdSlot(until: release)
        let order = Mutex<[Int]>([])
        let done = DispatchSemaphore(value: 0)
        for i in 0..<6 {
            Thread.detachNewThread {
                _ = try? limiter.run { () throws(APIError) -> Int in order.withLock { $0.append(i) }; return i }
                done.signal()
            }
            waitForQueue(limiter, count: i + 1)  // arrival order is the queue order
        }
        release.signal()
        #expect(holder.wait(timeout: .now() + 30) == .success)
        for _ in 0..<6 { #expect(done.wait(timeout: .now() + 30) == .success) }
        #expect(order.withLock { $0 } == Array(0..<6))
        #expect(limiter.running == 0 && limiter.waiting == 0)
    }

    @Test func aFullQueueAndATimeoutAreRefusedAndFreeTheirPlace() {
        let limiter = ConcurrencyLimiter(maxRunning: 1, maxWaiting: 1, timeoutSeconds: 0.2)
        let release = DispatchSemaphore(value: 0)
        let holder = limiter.holdSlot(until: release)
        let timedOut = Mutex<APIError?>(nil)
        let waiterDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do throws(APIError) { _ = try limiter.run { () throws(APIError) -> Int in 0 } } catch { timedOut.withLock { $0 = error } }
            waiterDone.signal()
        }
        waitForQueue(limiter, count: 1)
        // The queue is full: refused at once.
        #expect(throws: APIError.self) { try limiter.run { () throws(APIError) -> Int in 0 } }
        #expect(waiterDone.wait(timeout: .now() + 30) == .success)
        #expect(timedOut.withLock { $0?.status } == 503)
        #expect(limiter.waiting == 0)
        release.signal()
        #expect(holder.wait(timeout: .now() + 30) == .success)
        // Every slot came back: a prediction now runs without waiting.
        #expect(limiter.running == 0)
        #expect((try? limiter.run { () throws(APIError) -> Int in 7 }) == 7)
    }

    /// Many threads through two slots: never more than two at once, all served, nothing left held.
    @Test func manyConcurrentRequestsNeverExceedTheSlots() {
        let limiter = ConcurrencyLimiter(maxRunning: 2, maxWaiting: 64, timeoutSeconds: 30)
        let inside = Atomic<Int>(0), peak = Atomic<Int>(0), served = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 48) { _ in
            _ = try? limiter.run { () throws(APIError) -> Int in
                let now = inside.add(1, ordering: .relaxed).newValue
                _ = peak.max(now, ordering: .relaxed)
                usleep(500)
                inside.subtract(1, ordering: .relaxed)
                served.add(1, ordering: .relaxed)
                return 0
            }
        }
        #expect(served.load(ordering: .relaxed) == 48)
        #expect(peak.load(ordering: .relaxed) <= 2)
        #expect(limiter.running == 0 && limiter.waiting == 0)
    }
}

/// How many threads one prediction's windows get: `--analysis-threads` shared among the predictions
/// running at its start, so under load threads never outnumber what the operator configured.
@Suite struct AnalysisParallelismTests {
    @Test(arguments: [(2, 1, 2), (2, 2, 1), (4, 2, 2), (4, 3, 1), (1, 1, 1), (2, 0, 2), (8, 16, 1)])
    func analysisThreadsAreSharedAmongRunningPredictions(threads: Int, running: Int, expected: Int) {
        #expect(ServiceApplication.analysisParallelism(threads: threads, running: running) == expected)
    }

    /// The count the rule reads includes the prediction asking: one held slot and one running inside
    /// `run` make two.
    @Test func theRunningCountIncludesTheAskingPrediction() throws {
        let limiter = ConcurrencyLimiter(maxRunning: 2, maxWaiting: 0, timeoutSeconds: 5)
        let release = DispatchSemaphore(value: 0)
        let finished = limiter.holdSlot(until: release)
        let seen = try limiter.run { () throws(APIError) -> Int in limiter.running }
        release.signal()
        #expect(finished.wait(timeout: .now() + 60) == .success)
        #expect(seen == 2)
        #expect(ServiceApplication.analysisParallelism(threads: 2, running: seen) == 1)
    }
}
