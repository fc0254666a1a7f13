import Foundation
import Testing
import TestSupport

/// schemathesis, from the spec alone, generates requests for every operation and checks every
/// response (status, schema, headers) of a live ser-server against openapi.yaml.
@Suite("API conformance with schemathesis", .serialized, .timeLimit(.minutes(5)))
struct APIConformanceTests {
    static var schemathesis: String? {
        let path = SharedData.repositoryRoot.appendingPathComponent(".venv/bin/schemathesis").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    @Test(.enabled(if: schemathesis != nil, "needs .venv with schemathesis: run scripts/setup/setup.sh"))
    func theLiveServerConformsToOpenAPI() throws {
        let models = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        try TinyModel.write(to: models, name: "tiny", version: 1)
        let script = SharedData.repositoryRoot.appendingPathComponent("scripts/api/api-conformance.sh").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, models.path, "25"]
        var environment = ProcessInfo.processInfo.environment
        environment["SER_SERVER_BINARY"] = ServerProcess.executable.path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "schemathesis failed:\n\(output.suffix(6000))")
        #expect(output.contains("passed"))
    }
}
