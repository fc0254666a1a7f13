import Foundation
import Testing
import WebSocket

/// A real client against this target: Python's `websockets` (17.4, in .venv) connects to a loopback
/// echo server built from `WebSocketHandshake`, `WebSocketReader` and `WebSocketFrame`
/// (`LoopbackEchoServer`), and runs scripts/websocket/echo-client.py: text, binary, fragmented
/// messages, pings both ways, close codes 1000/1007/1009/4000 and a 426 for the wrong version.
@Suite("Python websockets client", .timeLimit(.minutes(2)))
struct PythonClientTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.venv/bin/python` when it exists and can import `websockets`.
    static let python: String? = {
        let path = repositoryRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return (try? run(path, ["-c", "import websockets.sync.client"]))?.status == 0 ? path : nil
    }()

    /// Runs `executable`, returning its exit status and combined output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test(.enabled(if: python != nil, "needs .venv/bin/python with websockets: run scripts/setup/setup.sh (or make setup)"))
    func pythonClientAgainstTheEchoServer() throws {
        let server = try LoopbackEchoServer()
        let script = Self.repositoryRoot.appendingPathComponent("scripts/websocket/echo-client.py").path
        let result = try Self.run(try #require(Self.python), [script, String(server.port)])
        server.stop()
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("5 checks passed"), "\(result.output)")

        // What the server saw, connection by connection.
        let connections = server.connections
        try #require(connections.count == 5, "\(connections)")
        let echo = connections[0]
        #expect(echo.first == "101")
        #expect(echo.contains("binary 76800"))
        #expect(echo.contains("text \("fragmented 😀 text".utf8.count)"))  // four frames, one message
        #expect(echo.contains("binary 70003"))
        #expect(echo.contains("ping 13"))
        #expect(echo.contains("pong 010203"))
        #expect(echo.last == "close 1000 done")
        #expect(connections[1].last == "error 1007")
        #expect(connections[2].last == "error 1009")
        #expect(connections[3].last == "text 10")
        #expect(connections[4] == ["handshake 426"])
    }
}
