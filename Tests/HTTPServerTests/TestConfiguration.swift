import HTTPServer

extension HTTPServerConfiguration {
    /// The transport tests' server: `host` and `port` as given, two threads, a 64 MiB body limit and no
    /// body admission limit unless a test sets one (values chosen by these tests; the service's
    /// defaults live in `ServerConfiguration`).
    static func test(host: String = "127.0.0.1", port: Int = 0) -> HTTPServerConfiguration {
        HTTPServerConfiguration(host: host, port: port, threadCount: 2, connectionTimeoutSeconds: 30, maxConnections: 1000,
                                maxBodyBytes: 64 << 20, maxHeaderBytes: 64 << 10, listenBacklog: 511, maxConnectionsPerClient: 0,
                                maxBufferedBodies: 0, bufferedBodyBytes: 8 << 20, bodyWaitTimeoutSeconds: 30)
    }
}
