import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HTTP over a raw TCP socket on loopback, for requests no well-behaved client sends: lying lengths,
/// broken chunking, megabyte header lines, garbage request lines, connections dropped half way.
public enum RawHTTP {
    public struct Response: Sendable, CustomStringConvertible {
        /// The status code, or nil when the server closed the connection without a status line.
        public var status: Int?
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// The connection ended (EOF or reset) before a full response arrived.
        public var incomplete: Bool

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        /// `error.code` of the JSON error body, or nil.
        public var errorCode: String? {
            let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            return (json?["error"] as? [String: Any])?["code"] as? String
        }
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var description: String {
            "status \(status.map(String.init) ?? "none")\(incomplete ? " (incomplete)" : ""): \(text.prefix(200))"
        }
    }

    /// The bytes of a request with `Host` and `Connection: close`; `Content-Length` is added for a
    /// body unless `headers` already say how the body is framed.
    public static func request(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let framed = headers.contains { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }
        if let body, !framed { head += "Content-Length: \(body.count)\r\n" }
        return Array((head + "\r\n").utf8) + (body ?? [])
    }

    /// Connects to 127.0.0.1:`port`, sends `bytes` (stopping quietly if the server closes first), then
    /// half-closes unless `keepOpen`, and reads until the server closes or `timeout` passes.
    public static func exchange(port: Int, _ bytes: [UInt8], timeout: Double = 30, keepOpen: Bool = false) throws -> Response {
        let fd = try connect(port: port)
        defer { close(fd) }
        setTimeout(fd, seconds: timeout)
        bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = send(fd, raw.baseAddress! + sent, min(raw.count - sent, 64 * 1024), Int32(MSG_NOSIGNAL))
                if n <= 0 { break }
                sent += n
            }
        }
        if !keepOpen { shutdown(fd, Int32(SHUT_WR)) }
        return parse(readAll(fd, deadline: Date().addingTimeInterval(timeout)))
    }

    /// A connected socket (blocking), for tests that trickle bytes themselves.
    public static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Tools.Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw Tools.Failure(description: "connect to port \(port): errno \(errno)") }
        return fd
    }

    public static func setTimeout(_ fd: Int32, seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Everything the peer sends until it closes, resets, or the deadline passes.
    public static func readAll(_ fd: Int32, deadline: Date) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += buffer[0..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        return received
    }

    /// Parses one HTTP/1.x response.
    public static func parse(_ bytes: [UInt8]) -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator }) else {
            return Response(status: nil, headers: [], body: bytes, incomplete: true)
        }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = head.first?.split(separator: " ") ?? []
        let status = statusWords.count >= 2 ? Int(statusWords[1]) : nil
        var headers: [(name: String, value: String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let body = Array(bytes[(headEnd + 4)...])
        var response = Response(status: status, headers: headers, body: body, incomplete: false)
        if let length = response.header("Content-Length").flatMap(Int.init) {
            response.incomplete = body.count < length
            response.body = Array(body.prefix(length))
        }
        return response
    }
}
