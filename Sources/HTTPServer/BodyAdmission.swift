import CMicroHTTPD
import Dispatch
import Synchronization

/// How many request bodies the server reads and holds at once.
///
/// Without a bound every open connection uploads its body as soon as its worker thread is free, so
/// 16 clients posting 60 s clips keep 16 bodies (30 MB) in memory while two are being analysed.
/// With `limit` set, a request with a body is admitted while fewer than `limit` admitted requests
/// are unfinished, or while the bodies admitted (by their declared lengths) and its own stay within
/// `byteBudget`, so short clips are never held back; the others are suspended (libmicrohttpd stops reading their sockets, so
/// their bytes wait in the kernel and in the client) and resumed first come, first served as admitted
/// requests finish. Requests without a body (health checks, metrics, model listings) are never held.
///
/// A request suspended for longer than `timeout` is resumed with `expired` set, and the server answers
/// it 503 with `Retry-After` instead of reading its body: a wait is always bounded. libmicrohttpd's
/// idle timeout does not run while a connection is suspended, hence this one.
final class BodyAdmission: Sendable {
    /// One request waiting for admission, shared between the thread that suspended it and the one
    /// that lets it in; `suspended` and `admitted` decide which of the two resumes it (exactly once).
    final class Ticket: @unchecked Sendable {
        let connection: OpaquePointer
        let since: ContinuousClock.Instant
        /// The declared body length (nil for a chunked body of unknown length, which only the count
        /// admits).
        let bytes: Int?
        /// Set under the admission lock: the connection is suspended / may proceed / waited too long.
        var suspended = false
        var admitted = false
        var expired = false
        init(connection: OpaquePointer, since: ContinuousClock.Instant, bytes: Int?) {
            self.connection = connection
            self.since = since
            self.bytes = bytes
        }
    }

    private struct State {
        var running = 0
        /// Declared bytes of the admitted, unfinished requests.
        var heldBytes = 0
        var waiting: [Ticket] = []
        var head = 0
        var peakRunning = 0
        var closed = false
    }

    /// Admitted requests with a body unfinished at once beyond which only small bodies get in; 0 = no
    /// limit at all.
    let limit: Int
    /// Declared bytes of admitted bodies up to which requests get in even beyond `limit`.
    let byteBudget: Int
    /// Longest a request waits suspended before it is answered 503.
    let timeout: Duration
    private let state = Mutex(State())
    private let clock = ContinuousClock()

    init(limit: Int, byteBudget: Int, timeout: Duration) {
        self.limit = limit
        self.byteBudget = byteBudget
        self.timeout = timeout
    }

    /// Whether one more body of `bytes` (nil: unknown) may be read now.
    private static func fits(_ state: State, bytes: Int?, limit: Int, byteBudget: Int) -> Bool {
        if limit == 0 || state.closed || state.running < limit { return true }
        guard let bytes else { return false }
        return state.heldBytes + bytes <= byteBudget
    }

    /// Requests with a body admitted and not finished.
    var running: Int { state.withLock { $0.running } }
    /// Requests suspended, waiting to be admitted.
    var waiting: Int { state.withLock { $0.waiting.count - $0.head } }
    /// The most requests with a body that were admitted at the same time.
    var peakRunning: Int { state.withLock { $0.peakRunning } }

    /// Called from the access handler with a request's head. Returns nil when the request is admitted
    /// now; otherwise the connection has been suspended and the returned ticket tells, once the
    /// handler is called again, whether it was admitted or expired.
    func admit(_ connection: OpaquePointer, bytes: Int?) -> Ticket? {
        let ticket: Ticket? = state.withLock { state in
            // First come, first served: nobody overtakes a waiting request.
            if state.closed || (state.head == state.waiting.count && Self.fits(state, bytes: bytes, limit: limit, byteBudget: byteBudget)) {
                state.running += 1
                state.heldBytes += bytes ?? 0
                state.peakRunning = max(state.peakRunning, state.running)
                return nil
            }
            let ticket = Ticket(connection: connection, since: clock.now, bytes: bytes)
            state.waiting.append(ticket)
            return ticket
        }
        guard let ticket else { return nil }
        // Suspend outside the lock (no libmicrohttpd call is made while holding it); whoever sees the
        // other side's flag resumes, so a ticket admitted in between is resumed right here.
        MHD_suspend_connection(connection)
        let resumeNow = state.withLock { _ in
            ticket.suspended = true
            return ticket.admitted || ticket.expired
        }
        if resumeNow { MHD_resume_connection(connection) }
        return ticket
    }

    /// An admitted request with a body of `bytes` (as declared when admitted) finished: lets the
    /// waiting ones in that now fit.
    func release(bytes: Int?) {
        let resumable: [Ticket] = state.withLock { state in
            state.running -= 1
            state.heldBytes -= bytes ?? 0
            var out: [Ticket] = []
            while let ticket = Self.takeNext(&state, limit: limit, byteBudget: byteBudget) {
                if ticket.suspended { out.append(ticket) }
            }
            return out
        }
        for ticket in resumable { MHD_resume_connection(ticket.connection) }
    }

    /// Whether a resumed ticket's request may go on (admitted) or must be refused (expired).
    func wasAdmitted(_ ticket: Ticket) -> Bool {
        state.withLock { _ in ticket.admitted && !ticket.expired }
    }

    /// From now on every request is admitted at once, and the waiting ones are let in: at shutdown the
    /// requests already sent are served within the drain period, as in-flight ones are.
    func admitEverything() {
        let resumable: [Ticket] = state.withLock { state in
            state.closed = true
            var out: [Ticket] = []
            // Suspended tickets are resumed here; the others resume themselves on seeing `admitted`.
            while let ticket = Self.takeNext(&state, limit: 0, byteBudget: byteBudget) {
                if ticket.suspended { out.append(ticket) }
            }
            return out
        }
        for ticket in resumable { MHD_resume_connection(ticket.connection) }
    }

    /// Resumes the requests that waited longer than `timeout` (all of them when `everything`, as at
    /// shutdown, since libmicrohttpd must not be stopped with suspended connections); they are
    /// answered 503.
    func expire(everything: Bool = false) {
        let now = clock.now
        let expired: [Ticket] = state.withLock { state in
            var out: [Ticket] = []
            var kept: [Ticket] = []
            for ticket in state.waiting[state.head...] {
                if everything || now - ticket.since > timeout {
                    ticket.expired = true
                    if ticket.suspended { out.append(ticket) }
                } else {
                    kept.append(ticket)
                }
            }
            state.waiting = kept
            state.head = 0
            return out
        }
        for ticket in expired { MHD_resume_connection(ticket.connection) }
    }

    /// The oldest waiting ticket, admitted and counted, when it fits (see `fits`).
    private static func takeNext(_ state: inout State, limit: Int, byteBudget: Int) -> Ticket? {
        guard state.head < state.waiting.count else { return nil }
        let ticket = state.waiting[state.head]
        guard fits(state, bytes: ticket.bytes, limit: limit, byteBudget: byteBudget) else { return nil }
        state.head += 1
        if state.head > 64 && state.head * 2 > state.waiting.count {
            state.waiting.removeFirst(state.head)
            state.head = 0
        }
        ticket.admitted = true
        state.running += 1
        state.heldBytes += ticket.bytes ?? 0
        state.peakRunning = max(state.peakRunning, state.running)
        return ticket
    }
}
