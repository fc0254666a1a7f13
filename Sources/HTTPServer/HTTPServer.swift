import CMicroHTTPD
import Dispatch
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on libmicrohttpd: an internal epoll loop per worker thread (a pool sized by
/// `threadCount`), keep-alive, bodies streamed into a bounded per-request buffer, and per-connection
/// timeouts against slow clients. It knows nothing of the application: every complete request goes to
/// `handler`, which runs on the worker thread that read the request and returns the whole response.
///
/// Lifecycle: `start()`, then `shutdown(gracePeriod:)` (stop accepting, let in-flight requests finish,
/// close). The server must outlive its daemon; `start` retains it until `shutdown`.
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public let configuration: HTTPServerConfiguration
    let handler: Handler
    let logger: Logger
    /// Called with a request's body size once the request and its body are released (after the
    /// handler returned): the process may hand large freed buffers back to the system.
    let bodyReleased: (@Sendable (Int) -> Void)?

    /// The libmicrohttpd daemon while running.
    private let daemon = Mutex<DaemonHandle?>(nil)
    /// Requests whose head has arrived and whose response has not completed.
    private let inFlight = Atomic<Int>(0)
    /// Set once shutdown starts: responses then carry `Connection: close` so clients stop reusing
    /// connections that are about to go away.
    private let draining = Atomic<Bool>(false)
    private let boundPort = Atomic<Int>(0)
    /// Connections handed to the application after `101 Switching Protocols` and not yet closed.
    let upgraded = Mutex<[ObjectIdentifier: WeakConnection]>([:])
    /// At most `maxBufferedBodies` request bodies read and held at once (see `BodyAdmission`).
    let admission: BodyAdmission
    /// Expires requests that waited too long for admission, once a second while the server runs.
    private let admissionTimer = Mutex<TimerHandle?>(nil)

    public init(configuration: HTTPServerConfiguration, logger: Logger, bodyReleased: (@Sendable (Int) -> Void)? = nil,
                handler: @escaping Handler) {
        self.configuration = configuration
        self.logger = logger
        self.bodyReleased = bodyReleased
        self.handler = handler
        admission = BodyAdmission(limit: configuration.maxBufferedBodies, byteBudget: configuration.bufferedBodyBytes,
                                  timeout: .milliseconds(Int(configuration.bodyWaitTimeoutSeconds * 1000)))
    }

    /// Requests with a body being read or handled, and requests suspended until one of those finishes.
    public var admittedBodies: Int { admission.running }
    public var waitingBodies: Int { admission.waiting }
    /// The most requests with a body admitted at the same time since the server started.
    public var peakAdmittedBodies: Int { admission.peakRunning }

    /// The port the server listens on (the real one when configured with port 0); 0 before `start`.
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// Requests currently being received or handled.
    public var inFlightRequests: Int { inFlight.load(ordering: .relaxed) }

    /// Upgraded connections (WebSockets) the application has not closed yet.
    public var openUpgradedConnections: Int { upgraded.withLock { $0.count } }

    // MARK: Starting and stopping

    public func start() throws(HTTPServerError) {
        let c = configuration
        guard (0...65535).contains(c.port) else { throw .invalidConfiguration("port \(c.port) is outside 0-65535") }
        guard c.threadCount >= 1, c.maxConnections >= 1, c.maxBodyBytes >= 0, c.maxHeaderBytes >= 1024,
              c.connectionTimeoutSeconds >= 1, c.listenBacklog >= 1, c.maxConnectionsPerClient >= 0
        else { throw .invalidConfiguration("threads, connections, timeouts, backlog must be positive; header buffer at least 1024 bytes") }
        let address = try SocketAddress(host: c.host, port: c.port)

        guard c.maxBufferedBodies >= 0, c.bufferedBodyBytes >= 0, c.bodyWaitTimeoutSeconds > 0
        else { throw .invalidConfiguration("buffered bodies and bytes must be 0 or more, the body wait timeout positive") }
        var flags = UInt32(MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
                           | MHD_ALLOW_UPGRADE.rawValue)
        if address.isIPv6 {
            flags |= address.isUnspecified ? UInt32(MHD_USE_DUAL_STACK.rawValue) : UInt32(MHD_USE_IPv6.rawValue)
        }
        let context = Unmanaged.passRetained(self)
        let started: OpaquePointer? = address.withSockaddr { sockaddr in
            var options = cmhd_options(
                flags: flags, port: UInt16(c.port), address: sockaddr,
                thread_pool_size: UInt32(c.threadCount),
                connection_timeout_s: UInt32(c.connectionTimeoutSeconds),
                connection_limit: UInt32(c.maxConnections),
                connection_memory_limit: c.maxHeaderBytes,
                listen_backlog: UInt32(c.listenBacklog),
                per_ip_connection_limit: UInt32(c.maxConnectionsPerClient))
            return cmhd_start_daemon(&options, accessHandler, context.toOpaque(), requestCompleted, context.toOpaque())
        }
        guard let started else {
            context.release()
            throw .cannotListen(host: c.host, port: c.port)
        }
        daemon.withLock { $0 = DaemonHandle(pointer: started, context: context) }
        if c.maxBufferedBodies > 0 {
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "body-admission"))
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { [admission] in admission.expire() }
            timer.resume()
            let handle = TimerHandle(timer: timer)
            admissionTimer.withLock { $0 = handle }
        }
        boundPort.store(Int(cmhd_daemon_port(started)), ordering: .releasing)
        logger.info("HTTP server listening", metadata: [
            "host": "\(c.host)", "port": "\(port)", "threads": "\(c.threadCount)",
            "max_body_bytes": "\(c.maxBodyBytes)", "connection_timeout_s": "\(c.connectionTimeoutSeconds)",
        ])
    }

    /// Stops accepting connections, waits up to `gracePeriod` for in-flight requests to complete, then
    /// closes every connection. Returns the number of requests still in flight when it gave up (0 when
    /// all finished). Idempotent.
    @discardableResult
    public func shutdown(gracePeriod: Duration = .seconds(25)) -> Int {
        guard let handle = daemon.withLock({ current -> DaemonHandle? in
            let handle = current
            current = nil
            return handle
        }) else { return 0 }
        draining.store(true, ordering: .releasing)
        // Requests already sent but waiting for a body slot are read and served within the drain.
        admission.admitEverything()
        // Stop accepting: the listening socket is handed back to us and closed.
        let listener = MHD_quiesce_daemon(handle.pointer)
        if listener >= 0 { close(listener) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: gracePeriod)
        while inFlight.load(ordering: .acquiring) > 0, clock.now < deadline {
            usleep(5_000)
        }
        let abandoned = inFlight.load(ordering: .acquiring)
        closeUpgradedConnections(within: .seconds(2))
        // libmicrohttpd must not be stopped with suspended connections.
        admissionTimer.withLock { $0?.timer.cancel(); $0 = nil }
        admission.expire(everything: true)
        MHD_stop_daemon(handle.pointer)
        handle.context.release()
        logger.info("HTTP server stopped", metadata: ["abandoned_requests": "\(abandoned)"])
        return abandoned
    }

    // MARK: Request handling (called on libmicrohttpd worker threads)

    /// One call of libmicrohttpd's access handler: first with the head (`conCls` empty), then once
    /// per body chunk, then once more with no data when the body is complete.
    fileprivate func access(
        connection: OpaquePointer, url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?,
        uploadData: UnsafePointer<CChar>?, uploadDataSize: UnsafeMutablePointer<Int>,
        conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let existing = conCls.pointee else { return beginRequest(connection, conCls) }
        let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
        if state.ticket != nil, let result = resumeAfterAdmission(state, connection, uploadDataSize: uploadDataSize.pointee) {
            return result
        }
        if state.responded { return MHD_Result.YES }
        if uploadDataSize.pointee > 0 {
            receiveBodyChunk(state, uploadData, size: uploadDataSize.pointee)
            uploadDataSize.pointee = 0
            return MHD_Result.YES
        }
        return complete(state, connection, url: url, method: method)
    }

    /// Phase 1, the head: refuses a declared body over the limit before reading it, and asks for
    /// admission when the request has a body (its connection stays suspended until admitted).
    private func beginRequest(_ connection: OpaquePointer, _ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> MHD_Result {
        let state = RequestState()
        conCls.pointee = Unmanaged.passRetained(state).toOpaque()
        inFlight.add(1, ordering: .relaxed)
        if let declared = lookup(connection, MHD_ValueKind.HEADER_KIND, "Content-Length").flatMap(Int.init) {
            if declared > configuration.maxBodyBytes {
                // Refuse before reading: the client learns at once and the body is never buffered.
                state.responded = true
                return queue(connection, .error(413, code: "body_too_large",
                    message: "the request body of \(declared) bytes exceeds the limit of \(configuration.maxBodyBytes) bytes"))
            }
            state.declaredLength = max(declared, 0)
        }
        if Self.hasBody(declaredLength: state.declaredLength,
                        transferEncoding: lookup(connection, MHD_ValueKind.HEADER_KIND, "Transfer-Encoding")) {
            if let ticket = admission.admit(connection, bytes: state.declaredLength) {
                state.ticket = ticket
            } else {
                state.admitted()
            }
        }
        return MHD_Result.YES
    }

    /// Phase 2, resumed after waiting for admission: either admitted (nil: carry on, or YES for the
    /// repeated head call), or it waited longer than the limit and is refused unread with 503.
    private func resumeAfterAdmission(_ state: RequestState, _ connection: OpaquePointer, uploadDataSize: Int) -> MHD_Result? {
        guard let ticket = state.ticket else { return nil }
        state.ticket = nil
        if admission.wasAdmitted(ticket) {
            state.admitted()
            // libmicrohttpd repeats the call it was suspended in (the head, no data yet): not the
            // end of the body, which comes only after the data.
            return uploadDataSize == 0 ? MHD_Result.YES : nil
        }
        state.responded = true
        state.body = []
        let seconds = Int(configuration.bodyWaitTimeoutSeconds.rounded(.up))
        return queue(connection, .error(503, code: "unavailable",
            message: draining.load(ordering: .relaxed)
                ? "the server is shutting down; retry on another instance"
                : "the server is at capacity: the request waited \(seconds) s for its body to be read; retry later",
            headers: [("Retry-After", "1")]))
    }

    /// Phase 3, a chunk of the body: kept while within the limit; past it the body is discarded but
    /// still read, so the client gets its 413.
    private func receiveBodyChunk(_ state: RequestState, _ data: UnsafePointer<CChar>?, size: Int) {
        guard !state.bodyTooLarge else { return }
        if state.body.count + size > configuration.maxBodyBytes {
            state.bodyTooLarge = true
            state.body = []
        } else if let data {
            UnsafeRawPointer(data).withMemoryRebound(to: UInt8.self, capacity: size) {
                state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
            }
        }
    }

    /// Phase 4, the whole request is in: hands it to the handler, releases its admission (the next
    /// waiting upload may be read) and queues the response.
    private func complete(_ state: RequestState, _ connection: OpaquePointer, url: UnsafePointer<CChar>?,
                          method: UnsafePointer<CChar>?) -> MHD_Result {
        state.responded = true
        if state.bodyTooLarge {
            return queue(connection, .error(413, code: "body_too_large",
                message: "the request body exceeds the limit of \(configuration.maxBodyBytes) bytes"))
        }
        let bodyBytes = state.body.count
        let request = HTTPRequest(
            method: method.map { String(cString: $0) } ?? "GET",
            path: url.map { String(cString: $0) } ?? "/",
            query: values(connection, MHD_ValueKind.GET_ARGUMENT_KIND),
            headers: values(connection, MHD_ValueKind.HEADER_KIND),
            body: state.body,
            remoteAddress: SocketAddress.describe(cmhd_client_address(connection)))
        state.body = []
        let response = handler(request)
        releaseAdmission(state)
        if bodyBytes > 0 { bodyReleased?(bodyBytes) }
        return queue(connection, response)
    }

    static func hasBody(declaredLength: Int?, transferEncoding: String?) -> Bool {
        if let declaredLength { return declaredLength > 0 }
        return transferEncoding.map { $0.lowercased().contains("chunked") } ?? false
    }

    private func releaseAdmission(_ state: RequestState) {
        if state.holdsAdmission {
            state.holdsAdmission = false
            admission.release(bytes: state.declaredLength)
        }
    }

    fileprivate func completed(_ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        guard let conCls, let existing = conCls.pointee else { return }
        // A request that ended without reaching the handler (refused, or the client went away).
        releaseAdmission(Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue())
        Unmanaged<RequestState>.fromOpaque(existing).release()
        conCls.pointee = nil
        inFlight.subtract(1, ordering: .releasing)
    }

    private func queue(_ connection: OpaquePointer, _ response: HTTPResponse) -> MHD_Result {
        let mhdResponse: OpaquePointer?
        if let upgrade = response.upgrade {
            let context = Unmanaged.passRetained(UpgradeContext(server: self, handler: upgrade,
                                                                remoteAddress: SocketAddress.describe(cmhd_client_address(connection))))
            mhdResponse = MHD_create_response_for_upgrade(upgradeHandler, context.toOpaque())
            if mhdResponse == nil { context.release() }
        } else {
            mhdResponse = response.body.withUnsafeBytes { bytes in
                MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), MHD_ResponseMemoryMode.RESPMEM_MUST_COPY)
            }
        }
        guard let mhdResponse else { return MHD_Result.NO }
        defer { MHD_destroy_response(mhdResponse) }
        for (name, value) in response.headers where name.lowercased() != "content-length" {
            _ = MHD_add_response_header(mhdResponse, name, value)
        }
        if draining.load(ordering: .relaxed), response.upgrade == nil {
            _ = MHD_add_response_header(mhdResponse, "Connection", "close")
        }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }

    private func lookup(_ connection: OpaquePointer, _ kind: MHD_ValueKind, _ key: String) -> String? {
        MHD_lookup_connection_value(connection, kind, key).map { String(cString: $0) }
    }

    private func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(name: String, value: String)] {
        let collector = ValueCollector()
        withExtendedLifetime(collector) {
            _ = MHD_get_connection_values(connection, kind, { cls, _, key, value in
                let collector = Unmanaged<ValueCollector>.fromOpaque(cls!).takeUnretainedValue()
                if let key { collector.pairs.append((String(cString: key), value.map { String(cString: $0) } ?? "")) }
                return MHD_Result.YES
            }, Unmanaged.passUnretained(collector).toOpaque())
        }
        return collector.pairs
    }
}

/// The admission timer, kept for cancelling at shutdown.
private struct TimerHandle: @unchecked Sendable {
    let timer: any DispatchSourceTimer
}

/// The running daemon and the retained server reference libmicrohttpd's callbacks use.
private struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    let context: Unmanaged<HTTPServer>
}

/// Per-request state kept in libmicrohttpd's `con_cls` between access-handler calls. Only the worker
/// thread that owns the connection touches it.
private final class RequestState {
    var body: [UInt8] = []
    /// Counted by `BodyAdmission` until released (after the handler, or when the request ends).
    var holdsAdmission = false
    /// Set while the connection waits, suspended, for admission.
    var ticket: BodyAdmission.Ticket?
    /// The Content-Length the client declared, if any.
    var declaredLength: Int?

    /// Admitted: the body will be read now. One buffer of the declared size (at most the body limit,
    /// larger ones are refused first) instead of doubling growth, which holds up to 2x the body and
    /// copies it at each doubling; reserved only now, so waiting requests hold no memory. A client
    /// that declares much and sends little pins little: a large buffer's untouched pages are never
    /// made resident.
    func admitted() {
        holdsAdmission = true
        if let declaredLength { body.reserveCapacity(declaredLength) }
    }
    var bodyTooLarge = false
    var responded = false
}

private final class ValueCollector {
    var pairs: [(name: String, value: String)] = []
}

// MARK: C callbacks (no captures: the server comes back through `cls`)

private let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let uploadDataSize, let conCls else { return MHD_Result.NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    return server.access(connection: connection, url: url, method: method, uploadData: uploadData,
                         uploadDataSize: uploadDataSize, conCls: conCls)
}

private let requestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls else { return }
    Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().completed(conCls)
}
