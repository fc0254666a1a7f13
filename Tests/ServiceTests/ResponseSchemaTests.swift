import Foundation
import HTTPServer
import Service
import Testing
import TestSupport

/// Every response type the service encodes matches its schema in openapi.yaml (checked with the
/// jsonschema package against the spec's components): predictions with speech and silent segments,
/// split and mixed channels, the model routes, the reload report, probes and errors.
@Suite("Responses against the openapi.yaml schemas")
struct ResponseSchemaTests {
    static var python: String? {
        let path = SharedData.repositoryRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// (case name, schema name, response) for every response shape.
    static func cases() throws -> [(String, String, HTTPResponse)] {
        var configuration = ServerConfiguration(cores: 2).service
        configuration.adminKey = "admin"
        let fixture = try ServiceFixture(models: [("tiny", 1), ("tiny", 2)], configuration: configuration)
        let speech = Signals.speechLike(seconds: 3, sampleRate: 8000, pitch: 140)
        let call = try WAVEncoding.encode([speech + [Float](repeating: 0, count: 16000), speech + speech.prefix(16000)],
                                          sampleRate: 8000, muLaw: true)
        let mono = try WAVEncoding.encode([Signals.speechLike(seconds: 2, sampleRate: 16000, pitch: 180)], sampleRate: 16000)
        return [
            ("call split in 1 s segments, one silent", "Prediction", fixture.predict(call, query: [("segment", "1"), ("roles", "agent,customer")])),
            ("call mixed, no vad", "Prediction", fixture.predict(call, query: [("channels", "mix"), ("vad", "false")])),
            ("mono", "Prediction", fixture.predict(mono)),
            ("model list", "ModelList", fixture.respond("GET", "/v1/models")),
            ("model detail", "ModelDetail", fixture.respond("GET", "/v1/models/tiny")),
            ("reload", "ReloadReport", fixture.respond("POST", "/v1/models/reload", headers: [("Authorization", "Bearer admin")])),
            ("v2 model metadata", "V2ModelMetadata", fixture.respond("GET", "/v2/models/tiny")),
            ("no speech", "Error", fixture.predict(try WAVEncoding.encode([[Float](repeating: 0, count: 16000)], sampleRate: 16000))),
            ("unknown model", "Error", fixture.predict(mono, query: [("model", "nope")])),
            ("not audio", "Error", fixture.predict(Array("hello".utf8))),
        ]
    }

    @Test(.enabled(if: python != nil, "needs .venv with jsonschema: run scripts/setup/setup.sh"))
    func everyResponseMatchesItsSchema() throws {
        let cases = try Self.cases()
        // The cases must be what they claim (a 200 for a success schema, an error otherwise).
        for (name, schema, response) in cases {
            #expect((response.status == 200) == (schema != "Error"), "\(name): status \(response.status)")
        }
        let list: [[String: Any]] = try cases.map { name, schema, response in
            ["name": name, "schema": schema, "body": try JSONSerialization.jsonObject(with: Data(response.body))]
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ser-schema-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: list).write(to: file)
        let root = SharedData.repositoryRoot
        let output = try Tools.run(try #require(Self.python), [root.appendingPathComponent("scripts/api/check-response-schemas.py").path,
                                                               root.appendingPathComponent("openapi.yaml").path, file.path])
        #expect(String(decoding: output, as: UTF8.self).contains("\(cases.count) passed, 0 failed"))
    }

    /// A body that breaks its schema is caught (the check can fail).
    @Test(.enabled(if: python != nil, "needs .venv with jsonschema: run scripts/setup/setup.sh"))
    func aBrokenBodyFailsTheCheck() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ser-schema-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let broken: [[String: Any]] = [["name": "segment without speech flag", "schema": "Segment",
                                         "body": ["start_s": 0, "end_s": 1, "probabilities": NSNull(), "label": NSNull(), "confidence": NSNull()]]]
        try JSONSerialization.data(withJSONObject: broken).write(to: file)
        let root = SharedData.repositoryRoot
        #expect(throws: Tools.Failure.self) {
            try Tools.run(try #require(Self.python), [root.appendingPathComponent("scripts/api/check-response-schemas.py").path,
                                                      root.appendingPathComponent("openapi.yaml").path, file.path])
        }
    }
}
