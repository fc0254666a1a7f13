import Foundation
@testable import HTTPServer
import Logging
import Synchronization
import Testing
import TestSupport

/// At most `maxBufferedBodies` request bodies are read at once; the rest wait suspended, first come
/// first served, and a wait is bounded. Requests run with curl on their own threads (the handler
/// blocks), and every wait has a deadline.
@Suite("Bounded request bodies", .timeLimit(.minutes(1)))
struct BodyAdmissionTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A server whose `/hold` requests block until `release` is signalled.
    func server(maxBufferedBodies: Int, byteBudget: Int = 0, waitSeconds: Double = 30, release: DispatchSemaphore) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration.test()
        configuration.threadCount = 4
        configuration.maxBufferedBodies = maxBufferedBodies
        configuration.bufferedBodyBytes = byteBudget
        configuration.bodyWaitTimeoutSeconds = waitSeconds
        let server = HTTPServer(configuration: configuration, logger: Self.logger) { request in
            if request.path == "/hold" { _ = release.wait(timeout: .now() + 30) }
            return HTTPServerTests.echo(request)
        }
        try server.start()
        return server
    }

    /// The reply to a request sent on another thread (status, headers and body), once it has come.
    final class Reply: Sendable {
        private let value = Mutex<(status: Int, body: String)?>(nil)
        func set(_ reply: (status: Int, body: String)) { value.withLock { $0 = reply } }
        var reply: (status: Int, body: String)? { value.withLock { $0 } }
    }

    /// Sends a POST with curl on a new thread.
    func post(_ url: String, bodyFile: String) -> Reply {
        let box = Reply()
        Thread {
            box.set((try? HTTPClient.curl("POST", url, bodyFile: bodyFile, arguments: ["-D", "-", "-H", "Expect:"])) ?? (0, ""))
        }.start()
        return box
    }

    func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while !condition() {
            if Date() > deadline { return false }
            usleep(5_000)
        }
        return true
    }

    func bodyFile(bytes: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("admission-\(UUID().uuidString).bin").path
        try Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func bodiesBeyondTheLimitWaitAndAllComplete() throws {
        let release = DispatchSemaphore(value: 0)
        let server = try server(maxBufferedBodies: 1, release: release)
        defer { server.shutdown(gracePeriod: .seconds(5)) }
        let file = try bodyFile(bytes: 100_000)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let base = "http://127.0.0.1:\(server.port)"

        let held = post("\(base)/hold", bodyFile: file)
        #expect(waitUntil { server.admittedBodies == 1 })
        let second = post("\(base)/second", bodyFile: file)
        let third = post("\(base)/third", bodyFile: file)
        #expect(waitUntil { server.waitingBodies == 2 }, "the two later uploads wait")
        #expect(server.admittedBodies == 1)
        // Requests without a body are never held back.
        let ping = try HTTPClient.curl("GET", "\(base)/ping", arguments: ["--max-time", "10"])
        #expect(ping.status == 200)

        release.signal()
        #expect(waitUntil { [held, second, third].allSatisfy { $0.reply != nil } })
        for box in [held, second, third] {
            let reply = box.reply
            #expect(reply?.status == 200)
            #expect(reply?.body.contains("\"body_bytes\":\"100000\"") == true, "the whole body arrived: \(reply?.body.suffix(200) ?? "")")
        }
        #expect(server.peakAdmittedBodies == 1)
        #expect(server.admittedBodies == 0 && server.waitingBodies == 0)
    }

    /// Beyond the count, bodies still get in while the declared bytes held stay within the budget:
    /// with one slot and 250 kB, two 100 kB uploads are read at once and a third waits.
    @Test func smallBodiesGetInWithinTheByteBudget() throws {
        let release = DispatchSemaphore(value: 0)
        let server = try server(maxBufferedBodies: 1, byteBudget: 250_000, release: release)
        defer { server.shutdown(gracePeriod: .seconds(5)) }
        let file = try bodyFile(bytes: 100_000)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let base = "http://127.0.0.1:\(server.port)"
        let first = post("\(base)/hold", bodyFile: file)
        #expect(waitUntil { server.admittedBodies == 1 })
        let second = post("\(base)/hold", bodyFile: file)
        #expect(waitUntil { server.admittedBodies == 2 }, "a second 100 kB body fits the 250 kB budget")
        let third = post("\(base)/third", bodyFile: file)
        #expect(waitUntil { server.waitingBodies == 1 }, "a third does not")
        #expect(server.admittedBodies == 2)
        release.signal()
        release.signal()
        #expect(waitUntil { [first, second, third].allSatisfy { $0.reply?.status == 200 } })
        #expect(server.peakAdmittedBodies == 2)
        #expect(server.admittedBodies == 0 && server.waitingBodies == 0)
    }

    @Test func aRequestThatWaitsTooLongGets503AndTheServerGoesOn() throws {
        let release = DispatchSemaphore(value: 0)
        let server = try server(maxBufferedBodies: 1, waitSeconds: 1, release: release)
        defer { server.shutdown(gracePeriod: .seconds(5)) }
        let file = try bodyFile(bytes: 50_000)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let base = "http://127.0.0.1:\(server.port)"

        let held = post("\(base)/hold", bodyFile: file)
        #expect(waitUntil { server.admittedBodies == 1 })
        let refused = post("\(base)/late", bodyFile: file)
        #expect(waitUntil { refused.reply != nil }, "the waiting request is answered within the timeout")
        let reply = refused.reply
        #expect(reply?.status == 503)
        #expect(reply?.body.lowercased().contains("retry-after: 1") == true)
        #expect(reply?.body.contains("\"code\":\"unavailable\"") == true)

        release.signal()
        #expect(waitUntil { held.reply != nil })
        #expect(held.reply?.status == 200)
        let after = try HTTPClient.curl("POST", "\(base)/after", bodyFile: file, arguments: ["--max-time", "10"])
        #expect(after.status == 200)
        #expect(server.admittedBodies == 0 && server.waitingBodies == 0)
    }

    /// At shutdown the requests already sent but waiting are read and served within the drain, like
    /// the ones in flight.
    @Test func shutdownServesTheWaitingRequests() throws {
        let release = DispatchSemaphore(value: 0)
        let server = try server(maxBufferedBodies: 1, release: release)
        let file = try bodyFile(bytes: 20_000)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let base = "http://127.0.0.1:\(server.port)"
        let held = post("\(base)/hold", bodyFile: file)
        #expect(waitUntil { server.admittedBodies == 1 })
        let waiting = post("\(base)/waiting", bodyFile: file)
        #expect(waitUntil { server.waitingBodies == 1 })

        let abandoned = Mutex<Int?>(nil)
        Thread { let n = server.shutdown(gracePeriod: .seconds(20)); abandoned.withLock { $0 = n } }.start()
        #expect(waitUntil { waiting.reply != nil }, "the waiting request is served while the held one still runs")
        #expect(waiting.reply?.status == 200)
        release.signal()
        #expect(waitUntil { held.reply != nil && abandoned.withLock { $0 } != nil })
        #expect(held.reply?.status == 200)
        #expect(abandoned.withLock { $0 } == 0)
    }

    /// The release hook sees each body's size once its request is done (the service trims the heap
    /// after long calls with it); requests without a body do not call it.
    @Test func theBodyReleaseHookGetsEachBodysSizeAfterItsRequest() throws {
        let sizes = Mutex<[Int]>([])
        let handled = Mutex(0)
        let server = HTTPServer(configuration: HTTPServerConfiguration.test(host: "127.0.0.1", port: 0), logger: Self.logger,
                                bodyReleased: { bytes in
                                    // The request was handled before its body is reported released.
                                    #expect(handled.withLock { $0 } > sizes.withLock { $0.count })
                                    sizes.withLock { $0.append(bytes) }
                                }) { request in
            handled.withLock { $0 += 1 }
            return HTTPServerTests.echo(request)
        }
        try server.start()
        defer { server.shutdown(gracePeriod: .seconds(5)) }
        let base = "http://127.0.0.1:\(server.port)"
        let small = try bodyFile(bytes: 1234), large = try bodyFile(bytes: 300_000)
        defer { for file in [small, large] { try? FileManager.default.removeItem(atPath: file) } }
        #expect(try HTTPClient.curl("POST", "\(base)/a", bodyFile: small).status == 200)
        #expect(try HTTPClient.curl("GET", "\(base)/b").status == 200)
        #expect(try HTTPClient.curl("POST", "\(base)/c", bodyFile: large).status == 200)
        #expect(waitUntil { sizes.withLock { $0.count } == 2 })
        #expect(sizes.withLock { $0 } == [1234, 300_000])
    }

    @Test(arguments: [("12", nil, true), ("0", nil, false), (nil, "chunked", true), (nil, nil, false), ("abc", nil, false)] as [(String?, String?, Bool)])
    func whichRequestsCarryABody(contentLength: String?, transferEncoding: String?, expected: Bool) {
        // The header as the access handler parses it (nil when absent or not a number).
        #expect(HTTPServer.hasBody(declaredLength: contentLength.flatMap { Int($0) }, transferEncoding: transferEncoding) == expected)
    }
}
