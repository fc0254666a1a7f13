import Dispatch
import Foundation
import Synchronization
import WebSocket
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket echo server on a plain loopback TCP socket (127.0.0.1, port 0), for driving a real
/// client against `WebSocketHandshake`, `WebSocketReader` and `WebSocketFrame` without the HTTP
/// server. Serves connections one after another on its own thread until `stop()`.
///
/// Per connection: reads the request head, validates it (400/426 on failure, with
/// `Sec-WebSocket-Version: 13` on 426), answers 101 (choosing the first offered subprotocol), then
/// echoes text and binary messages, answers pings, pings back on the text "ping me" (and reports the
/// pong as "pong <hex>"), closes with 4000 "bye" on "close 4000", echoes a close frame, and fails the
/// connection with the reader's error code on a protocol violation.
final class LoopbackEchoServer: Sendable {
    static let maxMessageBytes = 256 * 1024

    let port: Int
    private let listener: Int32
    private let finished = DispatchSemaphore(value: 0)
    /// One line per connection event ("101", "text 12", "close 1000 done", "error 1007", ...), by connection.
    private let events = Mutex<[[String]]>([])

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 8) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen on 127.0.0.1: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in
            serve()
            finished.signal()
        }
        thread.start()
    }

    /// The events of every connection served so far.
    var connections: [[String]] { events.withLock { $0 } }

    /// Stops accepting and waits (up to 10 s) for the serving thread to end.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))  // wakes the blocked accept()
        _ = finished.wait(timeout: .now() + 10)
        close(listener)
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            var timeout = timeval(tv_sec: 15, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            events.withLock { $0.append([]) }
            handle(connection)
            close(connection)
        }
    }

    private func log(_ event: String) {
        events.withLock { $0[$0.count - 1].append(event) }
    }

    private func handle(_ connection: Int32) {
        // The request head; bytes after it are already frames.
        var received: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            guard received.count < 16 * 1024, let bytes = receive(connection) else { return }
            received += bytes
            headEnd = Self.find([13, 10, 13, 10], in: received)
        }
        let head = String(decoding: received[..<headEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let method = lines.first?.split(separator: " ").first.map(String.init) ?? ""
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]).lowercased(), String(line[line.index(after: colon)...])))
        }
        let lookup: (String) -> String? = { name in
            let values = headers.filter { $0.name == name.lowercased() }.map(\.value)
            return values.isEmpty ? nil : values.joined(separator: ",")
        }
        let accept: String
        do {
            accept = try WebSocketHandshake.validate(method: method, header: lookup)
        } catch {
            log("handshake \(error.status)")
            let extra = error.status == 426 ? "Sec-WebSocket-Version: 13\r\n" : ""
            let reason = error.status == 426 ? "Upgrade Required" : "Bad Request"
            write(connection, Array("HTTP/1.1 \(error.status) \(reason)\r\nContent-Length: \(error.message.utf8.count)\r\nConnection: close\r\n\(extra)\r\n\(error.message)".utf8))
            return
        }
        var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n"
        if let chosen = WebSocketHandshake.offeredProtocols(lookup("Sec-WebSocket-Protocol")).first {
            response += "Sec-WebSocket-Protocol: \(chosen)\r\n"
        }
        write(connection, Array((response + "\r\n").utf8))
        log("101")

        var reader = WebSocketReader(maxMessageBytes: Self.maxMessageBytes)
        reader.append(Array(received[(headEnd! + 4)...]))
        while true {
            do {
                while let message = try reader.next() {
                    switch message {
                    case .text(let text):
                        log("text \(text.utf8.count)")
                        if text == "ping me" {
                            write(connection, WebSocketFrame.ping([1, 2, 3]))
                        } else if text == "close 4000" {
                            write(connection, WebSocketFrame.close(WebSocketCloseCode(rawValue: 4000), reason: "bye"))
                            finish(connection)
                            return
                        } else {
                            write(connection, WebSocketFrame.text(text))
                        }
                    case .binary(let bytes):
                        log("binary \(bytes.count)")
                        write(connection, WebSocketFrame.binary(bytes))
                    case .ping(let payload):
                        log("ping \(payload.count)")
                        write(connection, WebSocketFrame.pong(payload))
                    case .pong(let payload):
                        let hex = payload.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                        log("pong \(hex)")
                        write(connection, WebSocketFrame.text("pong \(hex)"))
                    case .close(let code, let reason):
                        log("close \(code.map { String($0.rawValue) } ?? "none") \(reason)")
                        // Echo the code (RFC 6455 §5.5.1), then the server closes the TCP connection first.
                        write(connection, code.map { WebSocketFrame.close($0, reason: reason) } ?? WebSocketFrame.encode(.close, payload: []))
                        finish(connection)
                        return
                    }
                }
            } catch {
                log("error \(error.code.rawValue)")
                write(connection, WebSocketFrame.close(error.code, reason: error.reason))
                finish(connection)
                return
            }
            guard let bytes = receive(connection) else {
                log("eof")
                return
            }
            reader.append(bytes)
        }
    }

    /// After our close frame: half-close, then read (and drop) until the client closes, so our close
    /// frame is not lost to a reset.
    private func finish(_ connection: Int32) {
        shutdown(connection, Int32(SHUT_WR))
        while receive(connection) != nil {}
    }

    /// The next bytes from the socket; nil at end of file, on error or after the receive timeout.
    private func receive(_ connection: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(buffer[..<count]) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    private func write(_ connection: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let count = send(connection, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return }
                sent += count
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
