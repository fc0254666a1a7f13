import Foundation
import Testing
import TestSupport

/// The page at `/` in headless Chromium against the real `ser-server` with the shipped model, driven
/// over the Chrome DevTools Protocol by `scripts/page/check-page.py` (which lists every check). The
/// server has an API key, so the page's key field, `Authorization` header and WebSocket subprotocol
/// are exercised too. Only 127.0.0.1 is contacted.
///
/// `SER_PAGE_SCREENSHOT=docs/page.png swift test --skip-build --filter PageBrowserTests/upload`
/// refreshes the README's screenshot.
@Suite("The page in headless Chromium", .serialized, .timeLimit(.minutes(4)))
struct PageBrowserTests {
    static let root = SharedData.repositoryRoot
    static let key = "page-test-key"

    static var chromium: String? {
        Tools.path("chromium") ?? (FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") ? "/usr/bin/chromium" : nil)
    }

    static var python: String? {
        let path = root.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    static var canRun: Bool { chromium != nil && python != nil }
    static let missing = "needs Debian's chromium and .venv (websockets): run scripts/setup/setup.sh"

    @Test(.enabled(if: canRun, Comment(rawValue: missing)))
    func uploadShowsTheResultAndTheAPIsErrorsVerbatim() throws {
        let screenshot = ProcessInfo.processInfo.environment["SER_PAGE_SCREENSHOT"].map { path in
            path.hasPrefix("/") ? path : Self.root.appendingPathComponent(path).path
        } ?? FileManager.default.temporaryDirectory.appendingPathComponent("ser-page-\(UUID().uuidString).png").path
        defer { if ProcessInfo.processInfo.environment["SER_PAGE_SCREENSHOT"] == nil { try? FileManager.default.removeItem(atPath: screenshot) } }
        let (status, output) = try Self.drive(["--part", "upload", "--stereo", Self.root.appendingPathComponent("examples/call-8k-mulaw-stereo.wav").path,
                                               "--screenshot", screenshot])
        #expect(status == 0, "\(output)")
    }

    /// Skipped (the driver exits 77) when the server answers 404 on `/v1/stream`.
    @Test(.enabled(if: canRun, Comment(rawValue: missing)))
    func microphoneStreamsSegmentsAndTheSummary() throws {
        let (status, output) = try Self.drive(["--part", "microphone", "--mic-wav", Self.root.appendingPathComponent("examples/speech.wav").path])
        if status == 77 { try Test.cancel("/v1/stream not available (the server answers 404): the microphone part was not run") }
        #expect(status == 0, "\(output)")
    }

    /// Starts ser-server (shipped model, an API key) on a loopback port and runs the driver against it.
    static func drive(_ arguments: [String]) throws -> (Int32, String) {
        let server = try ServerProcess.start(arguments: ["--host", "127.0.0.1", "--port", "0",
                                                         "--models", root.appendingPathComponent("Models").path, "--api-keys", key])
        defer { server.terminate() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = [root.appendingPathComponent("scripts/page/check-page.py").path, "--url", "http://127.0.0.1:\(server.port)",
                             "--api-key", key, "--chromium", chromium!, "--timeout", "150"] + arguments
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(output)
        return (process.terminationStatus, output)
    }
}
