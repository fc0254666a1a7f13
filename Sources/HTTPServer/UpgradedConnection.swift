import CMicroHTTPD
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A connection handed over after `101 Switching Protocols` (a WebSocket): its socket and the bytes
/// the client sent after the request head. The application reads and writes it on a thread of its
/// own (never on the server's worker, which serves other connections) and ends it with `close()`,
/// never close(2): libmicrohttpd owns the descriptor.
public final class UpgradedConnection: Sendable {
    /// Bytes that arrived after the request head, before the hand-over: the first bytes of the new protocol.
    public let initialBytes: [UInt8]
    /// The peer's address ("127.0.0.1", "::1"), when known.
    public let remoteAddress: String?
    private let socket: Int32
    /// libmicrohttpd's handle for closing, until `close()`.
    private let handle: Mutex<UpgradeHandle?>
    private let closed: @Sendable () -> Void

    init(socket: Int32, initialBytes: [UInt8], remoteAddress: String?, handle: OpaquePointer, closed: @escaping @Sendable () -> Void) {
        self.socket = socket
        self.initialBytes = initialBytes
        self.remoteAddress = remoteAddress
        self.handle = Mutex(UpgradeHandle(pointer: handle))
        self.closed = closed
        // Non-blocking: `receive` and `send` wait with poll(2), each with its own timeout.
        let flags = fcntl(socket, F_GETFL)
        if flags >= 0 { _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK) }
        var one: Int32 = 1
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    public enum ReceiveResult: Equatable, Sendable {
        /// This many bytes were read into the buffer.
        case received(Int)
        /// Nothing arrived within the timeout.
        case timedOut
        /// The peer closed the connection, or it failed (reset, or `wake()` shut it down).
        case closed
    }

    /// Reads what has arrived, waiting at most `timeoutMilliseconds` for something to.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, timeoutMilliseconds: Int32) -> ReceiveResult {
        guard !isClosed else { return .closed }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeoutMilliseconds)
        if ready == 0 { return .timedOut }
        if ready < 0 { return errno == EINTR ? .timedOut : .closed }
        let count = recv(socket, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .received(count) }
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .timedOut }
        return .closed
    }

    /// Writes all of `bytes`, waiting at most `timeoutMilliseconds` in all for the peer to take them;
    /// false when it did not (a peer that stopped reading), or the connection failed.
    public func send(_ bytes: [UInt8], timeoutMilliseconds: Int) -> Bool {
        guard !isClosed else { return false }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(timeoutMilliseconds))
        var offset = 0
        return bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let sent = Glibc.send(socket, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 { offset += sent; continue }
                guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return false }
                let left = deadline - clock.now
                guard left > .zero else { return false }
                var descriptor = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
                let milliseconds = Int32(min(Int64(Int32.max), left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
                if poll(&descriptor, 1, milliseconds) < 0, errno != EINTR { return false }
            }
            return true
        }
    }

    /// Shuts the socket down in both directions: a thread waiting in `receive` wakes with `.closed`.
    /// The owner still calls `close()`.
    public func wake() {
        handle.withLock { if $0 != nil { _ = shutdown(socket, Int32(SHUT_RDWR)) } }
    }

    public var isClosed: Bool { handle.withLock { $0 == nil } }

    /// Hands the socket back to libmicrohttpd, which closes it. Idempotent.
    public func close() {
        guard let taken = handle.withLock({ current -> UpgradeHandle? in
            defer { current = nil }
            return current
        }) else { return }
        _ = cmhd_upgrade_close(taken.pointer)
        closed()
    }
}

/// libmicrohttpd's `MHD_UpgradeResponseHandle`, used under the connection's lock only.
private struct UpgradeHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
