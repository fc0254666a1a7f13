import Foundation
import HTTPServer
import Logging
import Service
import Testing
import TestSupport
import ModelRegistry

/// One configuration type, one set of defaults: the command line, the environment, `--help` and the
/// README's table all come from `ServerSetting.all`.
@Suite("Server configuration")
struct ServerConfigurationTests {
    static func configuration(_ arguments: [String], environment: [String: String] = [:], cores: Int = 2) throws -> ServerConfiguration {
        guard case .run(let configuration) = try ServerConfiguration.parse(arguments: arguments, environment: environment, cores: cores) else {
            throw ServerConfigurationError(description: "not a run")
        }
        return configuration
    }

    @Test func defaultsAreTheDocumentedOnesAndScaleWithCores() throws {
        let defaults = try Self.configuration([], cores: 3)
        #expect(defaults.http.threadCount == 12 && defaults.service.maxConcurrentPredictions == 3)
        #expect(defaults.service.analysisThreads == 3 && defaults.http.maxBufferedBodies == 6)
        #expect(defaults.service.maxQueuedPredictions == 64 && defaults.http.maxBodyBytes == 64 << 20)
        #expect(defaults.http.bodyWaitTimeoutSeconds == defaults.service.queueTimeoutSeconds)
        #expect(defaults.modelsDirectory == "Models" && defaults.port == 8080 && defaults.host == "::")
    }

    @Test func flagsWinOverTheEnvironmentWhichWinsOverDefaults() throws {
        let environment = ["SER_PORT": "9000", "SER_MAX_QUEUE": "5", "SER_API_KEYS": "a,b,,c"]
        let c = try Self.configuration(["--port", "9100", "--max-concurrency=4", "--log-format", "logfmt"], environment: environment)
        #expect(c.port == 9100 && c.maxQueue == 5 && c.apiKeys == ["a", "b", "c"])
        #expect(c.logFormat == .logfmt)
        // A derived default follows the setting it derives from.
        #expect(c.http.maxBufferedBodies == 8 && c.service.maxConcurrentPredictions == 4)
    }

    @Test(arguments: [
        (["--port", "70000"], [:], "--port 70000: an integer from 0 to 65535"),
        (["--max-concurrency", "0"], [:], "--max-concurrency 0: an integer of at least 1"),
        (["--bogus", "1"], [:], "unknown option '--bogus'"),
        (["--port"], [:], "--port needs a value"),
        ([], ["SER_QUEUE_TIMEOUT": "-1"], "SER_QUEUE_TIMEOUT=-1 is invalid: a positive number of seconds"),
        ([], ["SER_LOG_LEVEL": "loud"], "SER_LOG_LEVEL=loud is invalid"),
    ] as [([String], [String: String], String)])
    func badValuesNameWhereTheyCameFrom(arguments: [String], environment: [String: String], message: String) {
        #expect {
            _ = try ServerConfiguration.parse(arguments: arguments, environment: environment, cores: 2)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    /// The README's configuration table is exactly the one rendered from the settings.
    @Test func theReadmeTableIsTheSettingsTable() throws {
        let readme = try String(contentsOf: SharedData.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(ServerConfiguration.markdownTable()), "README.md's configuration table is stale: paste the output of ser-server --settings-table")
    }

    /// `ser-server --help` lists every setting with its variable and default.
    @Test func helpListsEverySetting() throws {
        let (status, output) = try ServerProcess.runToCompletion(arguments: ["--help"])
        #expect(status == 0)
        for setting in ServerSetting.all {
            #expect(output.contains("\(setting.flag) <\(setting.valueName)>"), "\(setting.flag)")
            #expect(output.contains("[\(setting.environmentVariable), default: \(setting.defaultText)]"), "\(setting.flag)")
        }
        let (bad, message) = try ServerProcess.runToCompletion(arguments: ["--max-queue", "-3"])
        #expect(bad == 64 && message.contains("--max-queue -3: an integer of at least 0"))
    }

    /// `buildServer` (what the executable runs) serves on loopback in process: probes, a prediction,
    /// the key check on every /v1 route, and a drain that fails readiness.
    @Test func buildServerServesOnLoopback() async throws {
        let models = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        try TinyModel.write(to: models, name: "tiny", version: 1, seed: 3)
        var configuration = try Self.configuration(["--host", "127.0.0.1", "--port", "0", "--models", models.path, "--api-keys", "k"])
        configuration.drainTimeoutSeconds = 2
        let server = buildServer(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let report = try server.start()
        #expect(report.loaded.count == 1)
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try await HTTPClient.send("GET", "\(base)/readyz").status == 200)
        let wav = Data(try AudioEncoderFormat.pcm16.encode(seconds: 1, channels: 1, sampleRate: 16000))
        let predicted = try await HTTPClient.send("POST", "\(base)/v1/predict?vad=false", body: wav,
                                                  headers: ["Content-Type": "audio/wav", "Authorization": "Bearer k"])
        #expect(predicted.status == 200, "\(predicted.text)")
        // Every /v1 route needs the key (one check for all of them, before any handler runs); probes do not.
        for (method, path) in server.application.routes {
            let concrete = path.replacingOccurrences(of: "{name}", with: "tiny")
            let status = try await HTTPClient.send(method, "\(base)\(concrete)").status
            if path.hasPrefix("/v1/") {
                #expect(status == 401, "\(method) \(path) without a key: \(status)")
            } else {
                #expect(status != 401 && status != 403, "\(method) \(path): \(status)")
            }
        }
        #expect(server.drain() == 0)
        #expect(!server.application.registry.readyModelNames.isEmpty && server.application.isDraining)
    }
}
