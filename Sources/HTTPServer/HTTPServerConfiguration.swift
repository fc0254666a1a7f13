/// How the HTTP server listens and what it tolerates. Every field is set by its user: `ser-server`
/// fills it from `ServerConfiguration`, whose settings (flag, variable, default) are the one place the
/// defaults live.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Address to bind: "::" (default) listens on every IPv6 and IPv4 address (dual stack),
    /// "0.0.0.0" on every IPv4 address, or one literal address such as "127.0.0.1" or "::1".
    public var host: String
    /// TCP port; 0 picks a free one (see `HTTPServer.port`).
    public var port: Int
    /// Worker threads, each running its own epoll loop and handling its connections' requests.
    public var threadCount: Int
    /// Seconds a connection may stay idle (or trickle a request) before it is closed: the defence
    /// against slow clients holding connections open.
    public var connectionTimeoutSeconds: Int
    /// Concurrent connections accepted; further ones wait in the listen backlog.
    public var maxConnections: Int
    /// Largest request body accepted, bytes. A larger declared Content-Length is answered 413 before
    /// any of the body is read; a chunked body is cut off at the limit.
    public var maxBodyBytes: Int
    /// Per-connection buffer for the request line and headers, bytes (libmicrohttpd's memory pool);
    /// a request whose head does not fit is refused by the server.
    public var maxHeaderBytes: Int
    /// listen(2) backlog.
    public var listenBacklog: Int
    /// Concurrent connections one client address may hold; 0 = no limit. The connection timeout is an
    /// idle timeout, so a client trickling header bytes keeps its connections; without this limit one
    /// address can hold all `maxConnections` (slowloris). Leave 0 behind a proxy or load balancer,
    /// where every request comes from a few addresses.
    public var maxConnectionsPerClient: Int
    /// Requests with a body read and held at once (being uploaded, queued or handled) before only
    /// small ones get in; further ones wait, suspended, with their bytes left in the socket, so memory
    /// for bodies is bounded (about this many bodies, or `bufferedBodyBytes`) whatever the number of
    /// clients. 0 = no limit.
    public var maxBufferedBodies: Int
    /// Declared bytes of bodies held at once up to which requests are read even beyond
    /// `maxBufferedBodies`: short clips never wait.
    public var bufferedBodyBytes: Int
    /// Longest a request waits for its body to be read before it is answered 503, seconds.
    public var bodyWaitTimeoutSeconds: Double

    public init(
        host: String,
        port: Int,
        threadCount: Int,
        connectionTimeoutSeconds: Int,
        maxConnections: Int,
        maxBodyBytes: Int,
        maxHeaderBytes: Int,
        listenBacklog: Int,
        maxConnectionsPerClient: Int,
        maxBufferedBodies: Int,
        bufferedBodyBytes: Int,
        bodyWaitTimeoutSeconds: Double
    ) {
        self.host = host
        self.port = port
        self.threadCount = threadCount
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.maxConnections = maxConnections
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.listenBacklog = listenBacklog
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.maxBufferedBodies = maxBufferedBodies
        self.bufferedBodyBytes = bufferedBodyBytes
        self.bodyWaitTimeoutSeconds = bodyWaitTimeoutSeconds
    }
}

/// Why the server could not start.
public enum HTTPServerError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidHost(String)
    case invalidConfiguration(String)
    case cannotListen(host: String, port: Int)

    public var description: String {
        switch self {
        case .invalidHost(let host): "'\(host)' is not an IPv4 or IPv6 address"
        case .invalidConfiguration(let detail): "invalid server configuration: \(detail)"
        case .cannotListen(let host, let port): "cannot listen on [\(host)]:\(port) (port in use, or no permission)"
        }
    }
}
