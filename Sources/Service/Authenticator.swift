import HTTPServer

/// Checks `Authorization: Bearer <key>` against the configured keys in constant time, so response
/// timing reveals nothing about how much of a guess was right. Keys are never logged.
struct Authenticator: Sendable {
    let apiKeys: [[UInt8]]
    let adminKey: [UInt8]?

    init(apiKeys: [String], adminKey: String?) {
        self.apiKeys = apiKeys.map { Array($0.utf8) }
        self.adminKey = adminKey.map { Array($0.utf8) }
    }

    /// Allows a request on a route of `access`, or throws 401 (no key) / 403 (wrong key).
    func authorize(_ access: Router.Access, _ request: HTTPRequest) throws(APIError) {
        switch access {
        case .open: return
        case .client: try authorizeClient(request)
        case .admin: try authorizeAdmin(request)
        }
    }

    /// Allows the request on a /v1 route, or throws 401 (no key) / 403 (wrong key).
    func authorizeClient(_ request: HTTPRequest) throws(APIError) {
        guard !apiKeys.isEmpty else { return }
        let presented = try bearer(request)
        // Compare against every key (no early exit) so timing does not tell which, if any, matched.
        var matched = false
        for key in apiKeys { matched = Self.constantTimeEqual(presented, key) || matched }
        guard matched else { throw APIError(status: 403, code: "forbidden", message: "the API key is not valid") }
    }

    /// Allows the request on an admin route, or throws 401 / 403 (also 403 when no admin key is set).
    func authorizeAdmin(_ request: HTTPRequest) throws(APIError) {
        let presented = try bearer(request)
        guard let adminKey else {
            throw APIError(status: 403, code: "forbidden", message: "no admin key is configured; reload with SIGHUP or start the server with --admin-key")
        }
        guard Self.constantTimeEqual(presented, adminKey) else {
            throw APIError(status: 403, code: "forbidden", message: "the admin key is not valid")
        }
    }

    private func bearer(_ request: HTTPRequest) throws(APIError) -> [UInt8] {
        guard let header = request.header("Authorization") else {
            // A browser cannot set headers on a WebSocket: the key may come as the subprotocol `bearer.<key>`.
            if request.header("Upgrade")?.lowercased() == "websocket",
               let token = (request.header("Sec-WebSocket-Protocol") ?? "").split(separator: ",")
                   .map({ String($0).trimmingCharacters() }).first(where: { $0.hasPrefix("bearer.") }) {
                return Array(token.dropFirst("bearer.".count).utf8)
            }
            throw APIError(status: 401, code: "unauthorized",
                           message: "this route needs 'Authorization: Bearer <key>' (or, for a WebSocket, the subprotocol 'bearer.<key>')",
                           headers: [.init(name: "WWW-Authenticate", value: "Bearer")])
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(status: 401, code: "unauthorized", message: "the Authorization header must be 'Bearer <key>'",
                           headers: [.init(name: "WWW-Authenticate", value: "Bearer")])
        }
        return Array(parts[1].utf8)
    }

    /// Equal length and bytes, in time that depends only on the lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }
}
