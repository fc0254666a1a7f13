import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `ser-server` binary as a child process for live tests, on a port it picks.
public final class ServerProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int
    private var collected = Data()
    private let lock = NSLock()
    /// Signalled when the reader has seen the end of the server's output (the process exited and
    /// the pipe is drained).
    private let outputEnded = DispatchSemaphore(value: 0)

    /// The built products directory (the test bundle lives in it).
    public static var productsDirectory: URL {
        // On Linux `swift test` runs `.build/<triple>/<config>/<Package>PackageTests.xctest` itself.
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The `ser-server` binary built beside the tests (or `SER_SERVER_BINARY`).
    public static var executable: URL {
        if let override = ProcessInfo.processInfo.environment["SER_SERVER_BINARY"] { return URL(fileURLWithPath: override) }
        return productsDirectory.appendingPathComponent("ser-server")
    }

    init(process: Process, port: Int, outputPipe: Pipe, collected: Data) {
        self.process = process
        self.port = port
        self.collected = collected
        // One reader thread appends everything the server prints until the pipe's end of file.
        let handle = outputPipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                self.lock.lock(); self.collected.append(data); self.lock.unlock()
            }
            self.outputEnded.signal()
        }
    }

    /// Everything the server printed (stdout and stderr).
    public var output: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Starts the server with `--port 0` style arguments and waits (up to 20 s) for its
    /// "HTTP server listening" line to learn the port.
    /// - Parameter waitForReady: also wait (up to 30 s) until `/readyz` answers 200: the server listens
    ///   before its models load (so liveness answers at once), and tests that predict need the model.
    public static func start(arguments: [String], environment: [String: String] = [:], waitForReady: Bool = true) throws -> ServerProcess {
        let server = try startListening(arguments: arguments, environment: environment)
        if waitForReady { try server.waitUntilReady() }
        return server
    }

    /// Polls `/readyz` until it answers 200.
    public func waitUntilReady(timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = try? HTTPClient.curl("GET", "http://127.0.0.1:\(port)/readyz", arguments: ["--max-time", "2"]).status, status == 200 { return }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        throw Tools.Failure(description: "ser-server was not ready within \(timeout) s: \(output)")
    }

    private static func startListening(arguments: [String], environment: [String: String]) throws -> ServerProcess {
        let (process, pipe) = try launch(arguments: arguments, environment: environment)
        var buffer = Data()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { if !process.isRunning { break }; continue }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.contains("HTTP server listening") }),
               let port = Self.port(in: String(line)) {
                return ServerProcess(process: process, port: port, outputPipe: pipe, collected: buffer)
            }
        }
        process.terminate()
        throw Tools.Failure(description: "ser-server did not start: \(String(decoding: buffer, as: UTF8.self))")
    }

    /// Starts the binary with `arguments` and extra `environment`, stdout and stderr into one pipe.
    private static func launch(arguments: [String], environment: [String: String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return (process, pipe)
    }

    /// Runs the server expecting it to exit by itself (e.g. on invalid settings).
    public static func runToCompletion(arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let (process, pipe) = try launch(arguments: arguments, environment: environment)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private static func port(in line: String) -> Int? {
        // JSON ("port":8080) or logfmt (port=8080).
        for marker in ["\"port\":", "port="] {
            if let range = line.range(of: marker) {
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        return nil
    }

    /// Sends `signal` and waits for exit; returns the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        waitForEndOfOutput()
        return process.terminationStatus
    }

    public func terminate() {
        if process.isRunning { stop(signal: SIGKILL) }
    }

    /// Waits (at most 10 s) until the reader has read the server's output to its end.
    private func waitForEndOfOutput() {
        lock.lock()
        let done = outputDrained
        lock.unlock()
        guard !done else { return }
        if outputEnded.wait(timeout: .now() + 10) == .success {
            lock.lock(); outputDrained = true; lock.unlock()
        }
    }
    private var outputDrained = false
}
