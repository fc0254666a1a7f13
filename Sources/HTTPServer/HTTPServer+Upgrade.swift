import CMicroHTTPD
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Connections handed to the application after `101 Switching Protocols` (WebSockets): registered
/// when libmicrohttpd hands them over, closed by their owner, and closed at shutdown if the owner has
/// not (libmicrohttpd must not stop with upgraded connections open).
extension HTTPServer {
    // MARK: Upgraded connections

    /// Called on the worker thread once the 101 response is sent: registers the connection and hands
    /// it to the application.
    func upgraded(_ context: UpgradeContext, socket: Int32, extra: UnsafeRawBufferPointer, handle: OpaquePointer) {
        let key = Mutex<ObjectIdentifier?>(nil)
        let connection = UpgradedConnection(socket: socket, initialBytes: Array(extra), remoteAddress: context.remoteAddress,
                                            handle: handle) { [weak self] in
            if let id = key.withLock({ $0 }) { _ = self?.upgraded.withLock { $0.removeValue(forKey: id) } }
        }
        let id = ObjectIdentifier(connection)
        key.withLock { $0 = id }
        upgraded.withLock { $0[id] = WeakConnection(connection: connection) }
        context.handler(connection)
    }

    /// The backstop at shutdown for connections the application has not closed: wakes their readers
    /// (the socket is shut down), waits up to `grace` for the application to close them, then closes
    /// what is left (libmicrohttpd must not stop with upgraded connections open).
    func closeUpgradedConnections(within grace: Duration) {
        let open = upgraded.withLock { $0.values.compactMap(\.connection) }
        guard !open.isEmpty else { return }
        for connection in open { connection.wake() }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: grace)
        while openUpgradedConnections > 0, clock.now < deadline { usleep(5_000) }
        for connection in upgraded.withLock({ $0.values.compactMap(\.connection) }) { connection.close() }
        logger.info("upgraded connections closed at shutdown", metadata: ["by_application_late": "\(open.count)"])
    }
}

/// What the upgrade callback needs: the server, the application's handler, the peer's address.
final class UpgradeContext {
    let server: HTTPServer
    let handler: @Sendable (UpgradedConnection) -> Void
    let remoteAddress: String?
    init(server: HTTPServer, handler: @escaping @Sendable (UpgradedConnection) -> Void, remoteAddress: String?) {
        self.server = server
        self.handler = handler
        self.remoteAddress = remoteAddress
    }
}

/// An open upgraded connection, not kept alive by the registry (its owner closes it, or it is closed
/// when released).
struct WeakConnection: @unchecked Sendable {
    weak var connection: UpgradedConnection?
}

let upgradeHandler: MHD_UpgradeHandler = { cls, _, _, extraIn, extraInSize, sock, urh in
    guard let cls, let urh else { return }
    let context = Unmanaged<UpgradeContext>.fromOpaque(cls).takeRetainedValue()
    let extra = UnsafeRawBufferPointer(start: extraIn, count: extraIn == nil ? 0 : extraInSize)
    context.server.upgraded(context, socket: sock, extra: extra, handle: urh)
}
