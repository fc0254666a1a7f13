import Foundation
import Testing
import TestSupport

/// `/v1/stream` on the real `ser-server`, driven by a real WebSocket client (Python `websockets`,
/// scripts/api/stream-client.py and stream-checks.py).
@Suite("Live streams on loopback", .serialized, .timeLimit(.minutes(5)))
struct LiveStreamTests {
    static let root = SharedData.repositoryRoot
    static var python: String { root.appendingPathComponent(".venv/bin/python").path }
    static var script: (String) -> String { { root.appendingPathComponent("scripts/api/\($0)").path } }

    /// The venv's Python with `websockets`, or nil (the tests then skip, saying why).
    static let client: String? = {
        guard FileManager.default.isExecutableFile(atPath: python),
              (try? Tools.run(python, ["-c", "import websockets"])) != nil else { return nil }
        return python
    }()

    static func start(models: String = root.appendingPathComponent("Models").path, extra: [String] = []) throws -> ServerProcess {
        try ServerProcess.start(arguments: ["--host", "127.0.0.1", "--port", "0", "--log-format", "json", "--models", models] + extra)
    }

    static func lines(_ data: Data) -> [[String: Any]] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static func checks(_ server: ServerProcess, _ scenarios: [String], arguments: [String] = []) throws -> [String: [String: Any]] {
        let output = try Tools.run(python, [script("stream-checks.py"), "ws://127.0.0.1:\(server.port)/v1/stream"] + scenarios + arguments)
        var results: [String: [String: Any]] = [:]
        for line in lines(output) { results[line["scenario"] as! String] = line }
        return results
    }

    /// Checks server messages against their schemas in openapi.yaml (`StreamReady`, `StreamSegment`,
    /// `StreamSummary`, `StreamError`); returns the checker's last line.
    static func validate(_ messages: [[String: Any]]) throws -> String {
        let schemas = ["ready": "StreamReady", "segment": "StreamSegment", "summary": "StreamSummary", "error": "StreamError"]
        let cases: [[String: Any]] = messages.compactMap { message in
            (message["type"] as? String).flatMap { schemas[$0] }.map { ["name": message["type"]!, "schema": $0, "body": message] }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ser-stream-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: cases).write(to: file)
        let output = try Tools.run(python, [root.appendingPathComponent("scripts/api/check-response-schemas.py").path,
                                            root.appendingPathComponent("openapi.yaml").path, file.path])
        return String(String(decoding: output, as: UTF8.self).split(separator: "\n").last ?? "")
    }

    /// Waits (up to 20 s) until the server's metrics contain `line` (e.g. the open streams, the audio received).
    static func waitForMetric(_ server: ServerProcess, _ line: String) throws {
        for _ in 0..<400 {
            let metrics = try HTTPClient.curl("GET", "http://127.0.0.1:\(server.port)/metrics", arguments: ["--max-time", "2"]).body
            if metrics.contains(line + "\n") { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw MetricNeverSeen(line: line)
    }

    static func probabilities(_ object: Any?) -> [String: Double] { (object as? [String: Any])?.compactMapValues { $0 as? Double } ?? [:] }

    /// The example stereo call (8 kHz mu-law) streamed in 20 ms messages gives the segments and the
    /// summary `POST /v1/predict?segment=2` gives for the file, within 1e-4; every segment arrives once.
    @Test(.enabled(if: client != nil, "needs .venv/bin/python with websockets (make setup)"))
    func streamedCallMatchesThePrediction() async throws {
        let server = try Self.start()
        defer { server.terminate() }
        let file = Self.root.appendingPathComponent("examples/call-8k-mulaw-stereo.wav")
        let output = try Tools.run(Self.python, [Self.script("stream-client.py"), "ws://127.0.0.1:\(server.port)/v1/stream", file.path,
                                                 "--roles", "agent,customer", "--chunk-ms", "20"])
        let messages = Self.lines(output)
        let predicted = try await HTTPClient.send("POST", "http://127.0.0.1:\(server.port)/v1/predict?segment=2&roles=agent,customer",
                                                  body: Data(contentsOf: file), headers: ["Content-Type": "audio/wav"])
        #expect(predicted.status == 200)
        let channels = try #require(predicted.json["channels"] as? [[String: Any]])

        #expect(messages.first?["type"] as? String == "ready")
        let segments = messages.filter { $0["type"] as? String == "segment" }
        for (c, channel) in channels.enumerated() {
            let expected = try #require(channel["segments"] as? [[String: Any]])
            let streamed = segments.filter { $0["channel"] as? Int == c }
            #expect(streamed.count == expected.count)
            for (s, e) in zip(streamed, expected) {
                #expect(s["role"] as? String == channel["role"] as? String)
                #expect(s["start_s"] as? Double == e["start_s"] as? Double && s["end_s"] as? Double == e["end_s"] as? Double)
                #expect(s["speech"] as? Bool == e["speech"] as? Bool)
                #expect(s["label"] as? String == e["label"] as? String)
                let a = Self.probabilities(s["probabilities"]), b = Self.probabilities(e["probabilities"])
                #expect(a.keys == b.keys && a.allSatisfy { abs($0.value - b[$0.key]!) <= 1e-4 }, "\(a) vs \(b)")
                #expect(abs((s["valence"] as? Double ?? 0) - (e["valence"] as? Double ?? 0)) <= 1e-3)
            }
        }
        let summary = try #require(messages.first { $0["type"] as? String == "summary" })
        let overall = Self.probabilities((summary["overall"] as? [String: Any])?["probabilities"])
        let expectedOverall = Self.probabilities((predicted.json["overall"] as? [String: Any])?["probabilities"])
        #expect(!overall.isEmpty && overall.allSatisfy { abs($0.value - expectedOverall[$0.key]!) <= 1e-4 })
        let talk = (summary["conversation"] as? [String: Any])?["overlap_s"] as? Double
        #expect(talk == (predicted.json["conversation"] as? [String: Any])?["overlap_s"] as? Double)
        #expect((summary["audio"] as? [String: Any])?["encoding"] as? String == "mulaw")
        #expect(messages.last?["type"] as? String == "closed" && messages.last?["code"] as? Int == 1000)
        #expect(try Self.validate(messages) == "\(messages.count - 1) passed, 0 failed")

        let metrics = try await HTTPClient.send("GET", "http://127.0.0.1:\(server.port)/metrics").text
        #expect(metrics.contains("ser_streams_open 0"))
        #expect(metrics.contains("ser_stream_closes_total{code=\"1000\"} 1"))
        #expect(metrics.contains("ser_stream_segment_latency_seconds_count \(segments.count)"))
    }

    /// What a client gets wrong is answered with the error message and the close code of
    /// docs/streaming.md, or an HTTP error before the upgrade; the server keeps serving.
    @Test(.enabled(if: client != nil, "needs .venv/bin/python with websockets (make setup)"))
    func badInputGetsTheDocumentedErrorsAndCloseCodes() async throws {
        let server = try Self.start(extra: ["--stream-max-message-bytes", "1048576"])
        defer { server.terminate() }
        let results = try Self.checks(server, ["bad_parameter", "unknown_type", "invalid_json", "too_large", "non_finite",
                                               "start_after_audio", "bad_start", "unmasked"])
        func error(_ name: String) -> String? {
            (results[name]?["messages"] as? [[String: Any]])?.first { $0["type"] as? String == "error" }?["code"] as? String
        }
        func close(_ name: String) -> Int? { results[name]?["close_code"] as? Int }
        #expect(results["bad_parameter"]?["status"] as? Int == 400)
        #expect((results["bad_parameter"]?["body"] as? String)?.contains("encoding") == true)
        #expect(error("unknown_type") == "invalid_message" && close("unknown_type") == 1008)
        #expect(error("invalid_json") == "invalid_message" && close("invalid_json") == 1007)
        #expect(error("too_large") == "message_too_large" && close("too_large") == 1009)
        #expect(error("non_finite") == "non_finite_samples" && close("non_finite") == 1007)
        #expect(error("start_after_audio") == "invalid_message" && close("start_after_audio") == 1008)
        #expect(error("bad_start") == "invalid_parameter" && close("bad_start") == 1008)
        #expect((results["unmasked"]?["status_line"] as? String)?.contains("101") == true)
        #expect(results["unmasked"]?["close_codes"] as? [Int] == [1002])
        let errors = results.values.flatMap { $0["messages"] as? [[String: Any]] ?? [] }
        #expect(errors.count >= 6)
        #expect(try Self.validate(errors) == "\(errors.count) passed, 0 failed")
        let plain = try await HTTPClient.send("GET", "http://127.0.0.1:\(server.port)/v1/stream")
        #expect(plain.status == 400 && plain.text.contains("not_websocket"))
        #expect(try await HTTPClient.send("GET", "http://127.0.0.1:\(server.port)/readyz").status == 200)
    }

    /// The start message configures the stream; fragmented messages, samples split across messages,
    /// pings and a client-side close all work.
    @Test(.enabled(if: client != nil, "needs .venv/bin/python with websockets (make setup)"))
    func protocolFeaturesWork() throws {
        let server = try Self.start()
        defer { server.terminate() }
        let results = try Self.checks(server, ["start_message", "fragmented", "split_samples", "ping", "client_close"])
        func messages(_ name: String) -> [[String: Any]] { results[name]?["messages"] as? [[String: Any]] ?? [] }
        let ready = try #require(messages("start_message").first)
        #expect(ready["type"] as? String == "ready" && ready["encoding"] as? String == "mulaw" && ready["sample_rate"] as? Int == 8000)
        #expect(ready["roles"] as? [String] == ["agent", "customer"] && ready["segment_s"] as? Double == 1)
        // 2 s of digital silence on both channels: two 1 s segments per channel without speech, then the summary.
        let segments = messages("start_message").filter { $0["type"] as? String == "segment" }
        #expect(segments.count == 4 && segments.allSatisfy { $0["speech"] as? Bool == false })
        #expect(messages("start_message").last?["type"] as? String == "summary")
        for name in ["fragmented", "split_samples", "ping"] {
            let summary = messages(name).last
            #expect(summary?["type"] as? String == "summary", "\(name)")
            #expect((summary?["audio"] as? [String: Any])?["duration_s"] as? Double == (name == "ping" ? 0.1 : 1), "\(name)")
            #expect(results[name]?["close_code"] as? Int == 1000, "\(name)")
        }
        #expect(results["ping"]?["pong"] != nil)
        #expect(results["client_close"]?["close_code"] as? Int == 1000)
    }

    /// API keys: the header or the subprotocol token (answered with `ser.v1`, never the key); none or a
    /// wrong one is refused before the upgrade. The stream limit answers 503; the idle timeout ends a
    /// silent stream with its summary, then `idle_timeout` and 1008.
    @Test(.enabled(if: client != nil, "needs .venv/bin/python with websockets (make setup)"))
    func keysLimitsAndIdleTimeout() throws {
        let server = try Self.start(extra: ["--api-keys", "k1,k2", "--max-streams", "1", "--stream-idle-timeout", "1"])
        defer { server.terminate() }
        let none = try Self.checks(server, ["ping"])["ping"]
        #expect(none?["status"] as? Int == 401)
        let wrong = try Self.checks(server, ["ping"], arguments: ["--key", "nope"])["ping"]
        #expect(wrong?["status"] as? Int == 403)
        let header = try Self.checks(server, ["ping"], arguments: ["--key", "k2"])["ping"]
        #expect(header?["close_code"] as? Int == 1000)
        let token = try Self.checks(server, ["ping"], arguments: ["--subprotocol-key", "k1"])["ping"]
        #expect(token?["close_code"] as? Int == 1000 && token?["subprotocol"] as? String == "ser.v1")

        // One stream waits (and is ended by the idle timeout); a second meanwhile gets 503.
        let waiting = Process()
        waiting.executableURL = URL(fileURLWithPath: Self.python)
        waiting.arguments = [Self.script("stream-checks.py"), "ws://127.0.0.1:\(server.port)/v1/stream", "wait", "--key", "k1"]
        let pipe = Pipe()
        waiting.standardOutput = pipe
        try waiting.run()
        try Self.waitForMetric(server, "ser_streams_open 1")
        let refused = try Self.checks(server, ["ping"], arguments: ["--key", "k1"])["ping"]
        #expect(refused?["status"] as? Int == 503 && (refused?["body"] as? String)?.contains("capacity") == true)
        let idle = Self.lines(pipe.fileHandleForReading.readDataToEndOfFile()).first
        waiting.waitUntilExit()
        let messages = idle?["messages"] as? [[String: Any]] ?? []
        #expect(messages.map { $0["type"] as? String } == ["ready", "segment", "summary", "error"])  // the 0.1 s segment, at the end
        #expect(messages.last?["code"] as? String == "idle_timeout" && idle?["close_code"] as? Int == 1008)
    }

    /// SIGTERM: an open stream gets its summary and a 1001 close, and the server exits cleanly.
    @Test(.enabled(if: client != nil, "needs .venv/bin/python with websockets (make setup)"))
    func shutdownEndsStreamsWithSummaryAndGoingAway() throws {
        let server = try Self.start()
        let waiting = Process()
        waiting.executableURL = URL(fileURLWithPath: Self.python)
        waiting.arguments = [Self.script("stream-checks.py"), "ws://127.0.0.1:\(server.port)/v1/stream", "wait"]
        let pipe = Pipe()
        waiting.standardOutput = pipe
        try waiting.run()
        try Self.waitForMetric(server, "ser_stream_audio_seconds_total 0.1")  // the client's audio is in
        #expect(server.stop(signal: SIGTERM) == 0)
        let result = Self.lines(pipe.fileHandleForReading.readDataToEndOfFile()).first
        waiting.waitUntilExit()
        let messages = result?["messages"] as? [[String: Any]] ?? []
        #expect(messages.map { $0["type"] as? String } == ["ready", "segment", "summary", "error"])  // the 0.1 s segment, at the end
        #expect(messages.last?["code"] as? String == "shutting_down" && result?["close_code"] as? Int == 1001)
    }
}

private struct MetricNeverSeen: Error {
    let line: String
}
