import AudioDecoding
import Foundation
import HTTPServer
import Logging
import ModelRegistry
import Service
import TestSupport

/// A service over a temporary models directory holding tiny test models.
struct ServiceFixture {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let directory: URL
    let application: ServiceApplication

    /// The server's default service configuration (as on a 2-core machine), changed by `change`.
    static func service(_ change: (inout ServiceConfiguration) -> Void = { _ in }) -> ServiceConfiguration {
        var configuration = ServerConfiguration(cores: 2).service
        change(&configuration)
        return configuration
    }

    init(models: [(String, Int)] = [("tiny", 1)], configuration: ServiceConfiguration = ServiceFixture.service()) throws {
        directory = TinyModel.temporaryDirectory()
        for (index, (name, version)) in models.enumerated() {
            try TinyModel.write(to: directory, name: name, version: version, seed: UInt64(index + 1))
        }
        let registry = ModelRegistry(directory: directory.path, logger: Self.logger)
        application = ServiceApplication(registry: registry, configuration: configuration, logger: Self.logger)
        application.reloadModels(trigger: "test")
    }

    func respond(_ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: [UInt8] = []) -> HTTPResponse {
        var allHeaders = headers
        if !body.isEmpty && !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
            allHeaders.append(("Content-Length", "\(body.count)"))
        }
        return application.respond(to: HTTPRequest(method: method, path: path, query: query.map { (name: $0.0, value: $0.1) },
                                                   headers: allHeaders.map { (name: $0.0, value: $0.1) }, body: body))
    }

    func predict(_ body: [UInt8], query: [(String, String)] = [], contentType: String = "audio/wav", headers: [(String, String)] = []) -> HTTPResponse {
        respond("POST", "/v1/predict", query: query, headers: [("Content-Type", contentType)] + headers, body: body)
    }

    static func json(_ response: HTTPResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    static func errorCode(_ response: HTTPResponse) -> String? {
        (json(response)["error"] as? [String: Any])?["code"] as? String
    }

    /// WAV bytes of speech-like audio.
    static func speechWAV(seconds: Double = 3, sampleRate: Int = 16000, channels: Int = 1, format: AudioEncoder.Format = .wavPCM16) throws -> [UInt8] {
        let signals = (0..<channels).map { Signals.speechLike(seconds: seconds, sampleRate: sampleRate, pitch: 120 + 60 * Double($0)) }
        return try AudioEncoder().encode(signals, sampleRate: sampleRate, format: format)
    }
}
