import HTTPServer

/// Maps a method and a path to a handler. Paths are literal segments and `{name}` parameters; the
/// router distinguishes "no such path" (404) from "path exists, wrong method" (405 with `Allow`).
public struct Router: Sendable {
    public typealias Handler = @Sendable (RequestContext) throws(APIError) -> HTTPResponse

    /// Who may call a route; checked once, by the application, before any handler runs.
    public enum Access: Sendable, Equatable {
        /// Probes, metrics and the spec: no key.
        case open
        /// `/v1` routes: one of the API keys, when any is configured.
        case client
        /// Administration: the admin key.
        case admin
    }

    struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let access: Access
        let handler: Handler

        var parameterCount: Int { segments.filter(\.isParameter).count }

        /// The pattern as written, e.g. "/v1/models/{name}" (the metrics' route label).
        var pattern: String {
            "/" + segments.map { segment in
                switch segment {
                case .literal(let text): text
                case .parameter(let name): "{\(name)}"
                }
            }.joined(separator: "/")
        }
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private(set) var routes: [Route] = []

    public init() {}

    /// Adds a route; `pattern` like "/v1/models/{name}". `access` defaults to `.client` under `/v1/`
    /// and `.open` elsewhere.
    public mutating func add(_ method: String, _ pattern: String, access: Access? = nil, _ handler: @escaping Handler) {
        let segments = Self.split(pattern).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(part)
        }
        let access = access ?? (pattern.hasPrefix("/v1/") ? .client : .open)
        routes.append(Route(method: method, segments: segments, access: access, handler: handler))
    }

    public enum Match {
        case found(Handler, parameters: [String: String], pattern: String, access: Access)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    public func match(method: String, path: String) -> Match {
        let parts = Self.split(path)
        // The most specific matching pattern wins ("/v1/models/reload" over "/v1/models/{name}"), and
        // only its methods count: GET /v1/models/reload is 405, not a lookup of a model "reload".
        let matching = routes.compactMap { route in Self.bind(route.segments, parts).map { (route, $0) } }
        guard let fewest = matching.map({ $0.0.parameterCount }).min() else { return .notFound }
        let specific = matching.filter { $0.0.parameterCount == fewest }
        if let (route, parameters) = specific.first(where: { $0.0.method == method || (method == "HEAD" && $0.0.method == "GET") }) {
            return .found(route.handler, parameters: parameters, pattern: route.pattern, access: route.access)
        }
        var allowed: [String] = []
        for (route, _) in specific where !allowed.contains(route.method) { allowed.append(route.method) }
        return .methodNotAllowed(allowed: allowed)
    }

    /// Every route's pattern, e.g. for checking the router against openapi.yaml.
    public var patterns: [(method: String, path: String)] {
        routes.map { ($0.method, $0.pattern) }
    }

    private static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func bind(_ segments: [Segment], _ parts: [String]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text): if text != part { return nil }
            case .parameter(let name): parameters[name] = part.removingPercentEncoding
            }
        }
        return parameters
    }
}

extension Router.Segment {
    var isParameter: Bool { if case .parameter = self { true } else { false } }
}

extension String {
    /// Percent-decoding without Foundation; nil when an escape is malformed or the result not UTF-8.
    var removingPercentEncoding: String? {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
