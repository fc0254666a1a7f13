import Foundation
import HTTPServer
import Logging
import Synchronization
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The libmicrohttpd transport, driven over real sockets on loopback.
@Suite("HTTP server on a loopback port", .timeLimit(.minutes(2)))
struct HTTPServerTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Echoes what it received, so tests can see how the server parsed the request.
    static func echo(_ request: HTTPRequest) -> HTTPResponse {
        let summary = [
            "method": request.method, "path": request.path,
            "query": request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"),
            "content_type": request.header("content-type") ?? "",
            "body_bytes": "\(request.body.count)",
            "remote": request.remoteAddress ?? "",
        ]
        let data = try! JSONSerialization.data(withJSONObject: summary, options: .sortedKeys)
        return .json(200, Array(data), headers: [("X-Test", "yes")])
    }

    func withServer<T>(_ configuration: HTTPServerConfiguration = HTTPServerConfiguration.test(host: "127.0.0.1", port: 0),
                       handler: @escaping HTTPServer.Handler = echo,
                       _ body: (HTTPServer, String) async throws -> T) async throws -> T {
        let server = HTTPServer(configuration: configuration, logger: Self.logger, handler: handler)
        try server.start()
        defer { server.shutdown(gracePeriod: .seconds(2)) }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return try await body(server, "http://\(host):\(server.port)")
    }

    @Test func startsOnAnEphemeralPortAndStops() async throws {
        try await withServer { server, base in
            #expect(server.port > 0)
            let reply = try await HTTPClient.send("GET", "\(base)/hello?x=1&name=a%20b")
            #expect(reply.status == 200)
            #expect(reply.header("X-Test") == "yes")
            #expect(reply.json["path"] as? String == "/hello")
            #expect(reply.json["query"] as? String == "x=1&name=a b")
            #expect(reply.json["remote"] as? String == "127.0.0.1")
        }
    }

    @Test func receivesBodiesInFull() async throws {
        let body = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try await withServer { _, base in
            let reply = try await HTTPClient.send("POST", "\(base)/upload", body: body, headers: ["Content-Type": "audio/wav"])
            #expect(reply.status == 200)
            #expect(reply.json["body_bytes"] as? String == "3000000")
            #expect(reply.json["content_type"] as? String == "audio/wav")
        }
    }

    @Test func refusesABodyOverTheLimitWith413() async throws {
        var configuration = HTTPServerConfiguration.test(host: "127.0.0.1", port: 0)
        configuration.maxBodyBytes = 1000
        try await withServer(configuration) { _, base in
            let reply = try await HTTPClient.send("POST", "\(base)/upload", body: Data(count: 5000))
            #expect(reply.status == 413)
            let error = reply.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "body_too_large")
            // The server keeps serving.
            let next = try await HTTPClient.send("POST", "\(base)/upload", body: Data(count: 10))
            #expect(next.status == 200)
        }
    }

    @Test func listensOnIPv6Loopback() async throws {
        try await withServer(HTTPServerConfiguration.test(host: "::1", port: 0)) { _, base in
            let reply = try HTTPClient.curl("GET", "\(base)/v6")
            #expect(reply.status == 200)
            #expect(reply.body.contains("\"remote\":\"::1\""))
        }
    }

    @Test func dualStackAnswersBothFamilies() async throws {
        try await withServer(HTTPServerConfiguration.test(host: "::", port: 0)) { server, _ in
            let v4 = try await HTTPClient.send("GET", "http://127.0.0.1:\(server.port)/a")
            let v6 = try HTTPClient.curl("GET", "http://[::1]:\(server.port)/b")
            #expect(v4.status == 200 && v6.status == 200)
        }
    }

    @Test func servesConcurrentRequests() async throws {
        try await withServer { _, base in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<64 {
                    group.addTask { try await HTTPClient.send("POST", "\(base)/c\(i)", body: Data(count: i * 1000)).status }
                }
                for try await status in group { #expect(status == 200) }
            }
        }
    }

    @Test func rejectsAnInvalidHost() {
        let server = HTTPServer(configuration: HTTPServerConfiguration.test(host: "not-an-ip", port: 0), logger: Self.logger, handler: Self.echo)
        #expect(throws: HTTPServerError.invalidHost("not-an-ip")) { try server.start() }
    }

    @Test func reportsAPortInUse() async throws {
        try await withServer { server, _ in
            let second = HTTPServer(configuration: HTTPServerConfiguration.test(host: "127.0.0.1", port: server.port), logger: Self.logger, handler: Self.echo)
            #expect(throws: HTTPServerError.cannotListen(host: "127.0.0.1", port: server.port)) { try second.start() }
        }
    }

    /// Shutdown stops accepting but lets a request that is being handled finish.
    ///
    /// Nothing here depends on scheduling: the handler is held until shutdown has begun (the listener
    /// is closed), the request runs on its own thread with curl (not on the test runner's cooperative
    /// pool, which other suites can keep busy), and every wait has a deadline. An earlier version with a
    /// fixed sleep in the handler and an unbounded polling loop hung under load and under ASan.
    @Test(.timeLimit(.minutes(1)))
    func shutdownWaitsForInFlightRequests() throws {
        let entered = DispatchSemaphore(value: 0), proceed = DispatchSemaphore(value: 0)
        let server = HTTPServer(configuration: HTTPServerConfiguration.test(host: "127.0.0.1", port: 0), logger: Self.logger) { request in
            entered.signal()
            _ = proceed.wait(timeout: .now() + 30)
            return HTTPServerTests.echo(request)
        }
        try server.start()
        let port = server.port
        let base = "http://127.0.0.1:\(port)"
        let reply = Mutex<Result<(status: Int, body: String), any Error>?>(nil)
        Thread {
            let result = Result { try HTTPClient.curl("GET", "\(base)/slow", arguments: ["-D", "-"]) }
            reply.withLock { $0 = result }
        }.start()
        try #require(entered.wait(timeout: .now() + 30) == .success, "the request never reached the handler")
        #expect(server.inFlightRequests == 1)

        let abandoned = Mutex<Int?>(nil)
        Thread { let n = server.shutdown(gracePeriod: Duration.seconds(30)); abandoned.withLock { $0 = n } }.start()
        // Release the handler once the listener is closed (shutdown sets draining before closing it).
        var refused = false
        let deadline = Date().addingTimeInterval(30)
        while !refused, Date() < deadline {
            if let fd = try? RawHTTP.connect(port: port) { close(fd); usleep(10_000) } else { refused = true }
        }
        #expect(refused)
        proceed.signal()
        while abandoned.withLock({ $0 }) == nil || reply.withLock({ $0 }) == nil, Date() < deadline { usleep(2000) }
        #expect(abandoned.withLock { $0 } == 0)
        let result = try #require(reply.withLock { $0 }, "no reply before the deadline").get()
        #expect(result.status == 200)
        #expect(result.body.lowercased().contains("connection: close"))
        #expect(throws: (any Error).self) { try HTTPClient.curl("GET", "\(base)/after", arguments: ["--max-time", "5", "--fail"]) }
    }
}
