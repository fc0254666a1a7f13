import Foundation
import Synchronization
import Testing
import TestSupport

/// The real `ser-server` executable on a loopback port, driven by real HTTP requests.
@Suite("ser-server process on loopback", .serialized, .timeLimit(.minutes(3)))
struct LiveServerTests {
    static func modelsDirectory(versions: [Int] = [1]) throws -> URL {
        let directory = TinyModel.temporaryDirectory()
        for version in versions { try TinyModel.write(to: directory, name: "tiny", version: version, seed: UInt64(version)) }
        return directory
    }

    static func start(models: URL, extra: [String] = [], waitForReady: Bool = true) throws -> ServerProcess {
        try ServerProcess.start(arguments: ["--host", "127.0.0.1", "--port", "0", "--log-format", "json", "--models", models.path] + extra,
                                waitForReady: waitForReady)
    }

    static func wavFile(seconds: Double = 3, channels: Int = 1, sampleRate: Int = 16000, format: AudioEncoderFormat = .pcm16) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ser-\(UUID().uuidString).wav")
        try Data(format.encode(seconds: seconds, channels: channels, sampleRate: sampleRate)).write(to: url)
        return url
    }

    @Test func startsAnswersProbesPredictsAndDrainsOnSIGTERM() async throws {
        let models = try Self.modelsDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        let server = try Self.start(models: models)
        defer { server.terminate() }
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try await HTTPClient.send("GET", "\(base)/v2/health/live").status == 200)
        #expect(try await HTTPClient.send("GET", "\(base)/v2/health/ready").status == 200)

        let wav = try Self.wavFile()
        let raw = try await HTTPClient.send("POST", "\(base)/v1/predict?segment=1", body: Data(contentsOf: wav), headers: ["Content-Type": "audio/wav"])
        #expect(raw.status == 200, "\(raw.text)")
        #expect((raw.json["channels"] as? [[String: Any]])?.first?["segments"] as? [Any] != nil)

        // Exactly what the README tells users to run.
        let form = try HTTPClient.curl("POST", "\(base)/v1/predict", arguments: ["-F", "file=@\(wav.path)"])
        #expect(form.status == 200, "\(form.body)")
        #expect(form.body.contains("\"probabilities\""))

        #expect(server.stop(signal: SIGTERM) == 0)
        let lines = server.output.split(separator: "\n").filter { $0.contains("\"msg\":\"request\"") && !$0.contains("\"path\":\"/readyz\"") }
        #expect(lines.count == 4)
        #expect(lines.filter { $0.contains("\"path\":\"/v1/predict\"") }.allSatisfy { $0.contains("\"audio_s\":3") && $0.contains("\"inference_ms\":") })
    }

    @Test func servesConcurrentRequests() async throws {
        let models = try Self.modelsDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        let server = try Self.start(models: models)
        defer { server.terminate() }
        let body = try Data(contentsOf: Self.wavFile(seconds: 2, channels: 2, sampleRate: 8000, format: .mulaw))
        let url = "http://127.0.0.1:\(server.port)/v1/predict?roles=agent,customer"
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<24 { group.addTask { try await HTTPClient.send("POST", url, body: body, headers: ["Content-Type": "audio/wav"]).status } }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        #expect(statuses.count == 24 && statuses.allSatisfy { $0 == 200 })
    }

    @Test func readinessFollowsModelsAndSIGHUPLoadsThem() async throws {
        let models = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        let server = try Self.start(models: models, waitForReady: false)
        defer { server.terminate() }
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try await HTTPClient.send("GET", "\(base)/readyz").status == 503)
        #expect(try await HTTPClient.send("GET", "\(base)/healthz").status == 200)
        try TinyModel.write(to: models, name: "tiny", version: 1)
        kill(server.process.processIdentifier, SIGHUP)
        var ready = 0
        for _ in 0..<100 where ready != 200 {
            try await Task.sleep(for: .milliseconds(50))
            ready = try await HTTPClient.send("GET", "\(base)/readyz").status
        }
        #expect(ready == 200)
    }

    /// Hot reload under load: requests keep flowing while a new version is written and SIGHUP sent;
    /// none fails, and afterwards the new version serves.
    @Test func reloadUnderLoadDropsNoRequest() async throws {
        let models = try Self.modelsDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        let server = try Self.start(models: models)
        defer { server.terminate() }
        let body = try Data(contentsOf: Self.wavFile(seconds: 2))
        let url = "http://127.0.0.1:\(server.port)/v1/predict"
        final class Counter: Sendable { let value = Atomic<Int>(0) }
        let completed = Counter()
        @Sendable func predictedVersion() async throws -> (Int, String) {
            let reply = try await HTTPClient.send("POST", url, body: body, headers: ["Content-Type": "audio/wav"])
            completed.value.add(1, ordering: .relaxed)
            return (reply.status, (reply.json["model"] as? [String: String])?["version"] ?? "?")
        }
        let results = try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var seen: [(Int, String)] = []
                    for _ in 0..<15 { seen.append(try await predictedVersion()) }
                    return seen
                }
            }
            group.addTask {
                // The new version arrives once the load is flowing (8 of 60 answered), not after a guessed delay.
                while completed.value.load(ordering: .relaxed) < 8 { await Task.yield() }
                try TinyModel.write(to: models, name: "tiny", version: 2, seed: 2)
                kill(server.process.processIdentifier, SIGHUP)
                return []
            }
            var all: [(Int, String)] = []
            for try await part in group { all += part }
            return all
        }
        #expect(results.count == 60)
        #expect(results.allSatisfy { $0.0 == 200 }, "statuses: \(Set(results.map(\.0)))")
        // Then the new version serves: wait for it (the reload runs off the request path), bounded.
        var after = try await predictedVersion()
        let deadline = ContinuousClock.now + .seconds(30)
        while after.1 != "2", ContinuousClock.now < deadline { after = try await predictedVersion() }
        #expect(after == (200, "2"))
    }

    /// SIGTERM while predictions run: every accepted request completes, then the process exits 0.
    @Test func sigtermFinishesInFlightRequests() throws {
        let models = try Self.modelsDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        // Three bodies read at once, so two predictions can queue behind the running one (a waiting,
        // unread request at shutdown is covered by the HTTP server's BodyAdmissionTests).
        let server = try Self.start(models: models, extra: ["--max-concurrency", "1", "--max-buffered-bodies", "3", "--drain-timeout", "100"])
        defer { server.terminate() }
        let wav = try Self.wavFile(seconds: 90)
        let url = "http://127.0.0.1:\(server.port)/v1/predict?vad=false"
        // Each request on its own thread with curl: the shared URLSession may queue requests behind
        // other suites' on the same host, and the test must know all three have connected.
        let statuses = Mutex<[Int]>([])
        for _ in 0..<3 {
            Thread {
                let status = (try? HTTPClient.curl("POST", url, bodyFile: wav.path, arguments: ["-H", "Content-Type: audio/wav", "--max-time", "120"]).status) ?? -1
                statuses.withLock { $0.append(status) }
            }.start()
        }
        // Wait until the server holds one running and at least one queued prediction, then SIGTERM:
        // waiting for all three queued at one instant raced with the first finishing.
        var accepted = false
        let deadline = Date().addingTimeInterval(60)
        while !accepted, Date() < deadline {
            let metrics = (try? HTTPClient.curl("GET", "http://127.0.0.1:\(server.port)/metrics").body) ?? ""
            accepted = metrics.contains("ser_predictions_running 1")
                && (metrics.contains("ser_predictions_queued 1") || metrics.contains("ser_predictions_queued 2"))
            if !accepted { usleep(20_000) }
        }
        #expect(accepted, "no prediction was running with another queued before SIGTERM")
        kill(server.process.processIdentifier, SIGTERM)
        while statuses.withLock({ $0.count }) < 3, Date() < deadline.addingTimeInterval(120) { usleep(20_000) }
        #expect(statuses.withLock { $0 } == [200, 200, 200])
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(server.output.contains("\"abandoned_requests\":0"))
    }

    @Test func refusesAnInvalidSettingWithAClearMessage() throws {
        let result = try ServerProcess.runToCompletion(arguments: ["--port", "70000"])
        #expect(result.status != 0)
        #expect(result.output.contains("--port 70000: an integer from 0 to 65535"))
        let env = try ServerProcess.runToCompletion(arguments: [], environment: ["SER_MAX_CONCURRENCY": "zero"])
        #expect(env.status != 0)
        #expect(env.output.contains("SER_MAX_CONCURRENCY=zero is invalid"))
    }
}

/// The two encodings the live tests upload.
enum AudioEncoderFormat {
    case pcm16, mulaw

    func encode(seconds: Double, channels: Int, sampleRate: Int) throws -> [UInt8] {
        let signals = (0..<channels).map { Signals.speechLike(seconds: seconds, sampleRate: sampleRate, pitch: 120 + 50 * Double($0)) }
        return try WAVEncoding.encode(signals, sampleRate: sampleRate, muLaw: self == .mulaw)
    }
}
