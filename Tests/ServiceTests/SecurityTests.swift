import Foundation
import HTTPServer
import Logging
@testable import ModelRegistry
@testable import Service
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue #8, security: keys compared in constant time and never logged; no request reaches a file
/// outside the models directory (the registry serves only what it loaded).
@Suite("Security: keys and paths", .serialized)
struct SecurityTests {
    // MARK: Keys

    @Test func theKeyComparisonIsCorrect() {
        let key = Array("s3cret-key".utf8)
        #expect(Authenticator.constantTimeEqual(key, key))
        #expect(!Authenticator.constantTimeEqual(key, Array("s3cret-kez".utf8)))
        #expect(!Authenticator.constantTimeEqual(key, Array("s3cret-ke".utf8)))       // prefix
        #expect(!Authenticator.constantTimeEqual(key, Array("s3cret-key!".utf8)))     // extension
        #expect(!Authenticator.constantTimeEqual(key, []))
        #expect(Authenticator.constantTimeEqual([], []))
        // Lengths that differ by a multiple of 256 must not compare equal through a truncated length XOR.
        #expect(!Authenticator.constantTimeEqual([UInt8](repeating: 7, count: 256), []))
        #expect(!Authenticator.constantTimeEqual([UInt8](repeating: 0, count: 300), [UInt8](repeating: 0, count: 44)))
    }

    /// The comparison takes as long when the first byte differs as when only the last does. An
    /// early-exit comparison of 64 KiB keys is thousands of times faster on a first-byte mismatch; the
    /// two cases are timed alternately (so a busy neighbour slows both alike) and the bound (3x between
    /// medians) tolerates a shared, noisy machine.
    @Test func theKeyComparisonTimeDoesNotDependOnWhereTheKeysDiffer() {
        let key = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var firstByte = key; firstByte[0] ^= 1
        var lastByte = key; lastByte[key.count - 1] ^= 1
        let clock = ContinuousClock()
        func nanoseconds(_ other: [UInt8]) -> Double {
            let start = clock.now
            let equal = Authenticator.constantTimeEqual(key, other)
            let elapsed = clock.now - start
            #expect(!equal)
            return Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
        }
        for _ in 0..<5 { _ = nanoseconds(lastByte); _ = nanoseconds(firstByte) }  // warm up
        var first: [Double] = [], last: [Double] = []
        for _ in 0..<101 {
            first.append(nanoseconds(firstByte))
            last.append(nanoseconds(lastByte))
        }
        let medianFirst = first.sorted()[50], medianLast = last.sorted()[50]
        #expect(medianFirst / medianLast > 1 / 3 && medianFirst / medianLast < 3,
                "first-byte mismatch \(medianFirst) ns, last-byte mismatch \(medianLast) ns")
    }

    /// A live server with API and admin keys: right and wrong keys (including wrong ones that look like
    /// secrets) never appear in its output, at the most verbose log level.
    @Test func keysAreNeverLogged() async throws {
        let models = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        try TinyModel.write(to: models, name: "tiny", version: 1)
        let clientKeys = ["client-key-Zq81xLw0", "client-key-Hh27pPq9"], adminKey = "admin-key-Vb55nRt3"
        let wrongKeys = ["wrong-key-Yy31mMk7", "client-key-Zq81xLw", "admin-key-Vb55nRt3X"]
        let server = try ServerProcess.start(arguments: [
            "--host", "127.0.0.1", "--port", "0", "--models", models.path, "--log-level", "trace",
        ], environment: ["SER_API_KEYS": clientKeys.joined(separator: ","), "SER_ADMIN_KEY": adminKey])
        defer { server.terminate() }
        let base = "http://127.0.0.1:\(server.port)"
        let wav = try Data(AudioEncoderFormat.mulaw.encode(seconds: 1, channels: 1, sampleRate: 8000))
        var statuses: [Int] = []
        for key in clientKeys + wrongKeys + [adminKey] {
            let auth = ["Authorization": "Bearer \(key)", "Content-Type": "audio/wav"]
            statuses.append(try await HTTPClient.send("POST", "\(base)/v1/predict?vad=false", body: wav, headers: auth).status)
            statuses.append(try await HTTPClient.send("GET", "\(base)/v1/models", headers: auth).status)
            statuses.append(try await HTTPClient.send("POST", "\(base)/v1/models/reload", headers: auth).status)
            statuses.append(try await HTTPClient.send("GET", "\(base)/v1/models/tiny", headers: auth).status)
        }
        let ok = statuses.filter { $0 == 200 }.count, forbidden = statuses.filter { $0 == 403 }.count
        #expect(ok == 7)          // predict, list, describe per client key (2 x 3); reload with the admin key
        #expect(forbidden == 17)  // wrong keys everywhere (3 x 4), client keys on reload (2), admin key on /v1 (3)
        #expect(server.stop(signal: SIGTERM) == 0)
        let output = server.output
        #expect(output.contains("\"msg\":\"request\""), "the requests were logged")
        for secret in clientKeys + [adminKey] {
            #expect(!output.contains(secret), "a configured key appears in the log")
        }
        for wrong in wrongKeys {
            #expect(!output.contains(wrong), "a presented key appears in the log")
        }
        #expect(!output.lowercased().contains("bearer "), "an Authorization header value appears in the log")
    }

    // MARK: Paths

    /// A models directory beside a directory of valid models that must never be served: no model
    /// reference a request can make reaches them, and the registry serves exactly what it loaded.
    @Test func noModelReferenceReachesAFileOutsideTheModelsDirectory() throws {
        let root = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let models = root.appendingPathComponent("models"), outside = root.appendingPathComponent("outside")
        try TinyModel.write(to: models, name: "tiny", version: 1)
        try TinyModel.write(to: outside, name: "evil", version: 1, seed: 9)
        try TinyModel.write(to: root, name: "evil", version: 1, seed: 9)   // root/evil/1: "../evil" from models/
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let app = ServiceApplication(registry: ModelRegistry(directory: models.path, logger: logger), configuration: ServiceFixture.service(), logger: logger)
        app.reloadModels(trigger: "test")
        #expect(app.registry.snapshot.names == ["tiny"])

        let wav = try AudioEncoderFormat.mulaw.encode(seconds: 1, channels: 1, sampleRate: 8000)
        let references = [
            "../evil", "../evil:1", "../outside/evil", "../outside/evil:1", "..", "../..", ".", "./tiny/../../evil",
            "%2e%2e/evil", "..%2fevil", root.path + "/evil", root.path + "/outside/evil:1", "/etc/passwd", "evil",
            "tiny/../../evil", "tiny:../../../evil/1", "tiny:1/../../evil", "evil\u{0}", "..\u{0}/evil", "tiny\u{0}../evil",
            "\\..\\evil", "~/evil", "tiny:0", "tiny:-1",
        ]
        for reference in references {
            let predict = app.respond(to: HTTPRequest(method: "POST", path: "/v1/predict", query: [("model", reference), ("vad", "false")],
                                                      headers: [("Content-Type", "audio/wav"), ("Content-Length", "\(wav.count)")], body: wav))
            #expect([400, 404].contains(predict.status), "model=\(reference.debugDescription): \(predict.status)")
            for path in ["/v1/models/\(reference)", "/v2/models/\(reference)", "/v2/models/\(reference)/ready"] {
                let response = app.respond(to: HTTPRequest(method: "GET", path: path))
                #expect(response.status == 404, "\(path.debugDescription): \(response.status)")
            }
        }
        // The registry's own look-up: only loaded names and integer versions.
        for reference in references {
            let (name, version) = ModelRegistry.parseReference(reference)
            #expect(throws: ModelLookupError.self, "\(reference.debugDescription)") { try app.registry.model(named: name, version: version) }
        }
        // A reload does not pick up anything outside either.
        app.reloadModels(trigger: "test")
        #expect(app.registry.snapshot.names == ["tiny"])
    }

    /// Model directory names the registry refuses to load even inside the models directory.
    @Test func unsafeDirectoryNamesAreNotLoaded() throws {
        #expect(!ModelRegistry.isSafeName(".."))
        #expect(!ModelRegistry.isSafeName("."))
        #expect(!ModelRegistry.isSafeName(""))
        #expect(!ModelRegistry.isSafeName("a/b"))
        #expect(!ModelRegistry.isSafeName("a\u{0}b"))
        #expect(!ModelRegistry.isSafeName("a b"))
        #expect(!ModelRegistry.isSafeName(String(repeating: "m", count: 201)))
        #expect(ModelRegistry.isSafeName("emotion-v2_large.1"))
    }
}
