import Foundation
import Testing
import TestSupport

/// The real `ser-server` executable on a loopback port: start-up, probes, and SIGTERM.
@Suite("ser-server process on loopback", .serialized)
struct LiveServerTests {
    @Test func startsAnswersProbesAndDrainsOnSIGTERM() async throws {
        let server = try ServerProcess.start(arguments: ["--host", "127.0.0.1", "--port", "0", "--log-format", "json"])
        defer { server.terminate() }
        let base = "http://127.0.0.1:\(server.port)"
        let live = try await HTTPClient.send("GET", "\(base)/v2/health/live")
        #expect(live.status == 200)
        let spec = try await HTTPClient.send("GET", "\(base)/openapi.yaml")
        #expect(spec.status == 200 && spec.text.hasPrefix("openapi: 3.1.0"))
        let status = server.stop(signal: SIGTERM)
        #expect(status == 0)
        // Every request got exactly one JSON log line with its id and status.
        let lines = server.output.split(separator: "\n").filter { $0.contains("\"msg\":\"request\"") }
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("\"status\":200") && $0.contains("\"request_id\":") })
    }

    @Test func refusesAnInvalidSettingWithAClearMessage() throws {
        let result = try ServerProcess.runToCompletion(arguments: ["--port", "70000"])
        #expect(result.status != 0)
        #expect(result.output.contains("--port 70000: 0-65535"))
    }
}
