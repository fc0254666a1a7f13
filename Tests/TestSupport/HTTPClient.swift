import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small HTTP client for live-server tests on loopback (URLSession, no keep-alive surprises).
public enum HTTPClient {
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// The body parsed as a JSON object (empty when it is not one).
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    public static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        configuration.httpMaximumConnectionsPerHost = 64  // every test server is 127.0.0.1
        return URLSession(configuration: configuration)
    }()

    public static func send(_ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headerMap: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headerMap["\(key)"] = "\(value)" }
        return Reply(status: http.statusCode, headers: headerMap, body: data)
    }
}

extension HTTPClient {
    /// Sends a request with the curl command-line tool (used where URLSession on Linux falls short,
    /// e.g. IPv6 literal hosts). Returns the status and the body.
    public static func curl(_ method: String, _ url: String, bodyFile: String? = nil, arguments: [String] = []) throws -> (status: Int, body: String) {
        guard let curl = Tools.path("curl") else { throw Tools.Failure(description: "curl is missing; run scripts/setup/setup.sh") }
        let marker = "\n--status:"
        var args = ["-s", "-g", "-X", method, "-w", "\(marker)%{http_code}", "--max-time", "60"]
        if let bodyFile { args += ["--data-binary", "@\(bodyFile)"] }
        args += arguments + [url]
        let output = String(decoding: try Tools.run(curl, args), as: UTF8.self)
        guard let range = output.range(of: marker, options: .backwards) else { return (0, output) }
        return (Int(output[range.upperBound...]) ?? 0, String(output[..<range.lowerBound]))
    }
}
