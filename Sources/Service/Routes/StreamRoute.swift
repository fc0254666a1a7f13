import HTTPServer
import WebSocket

/// `GET /v1/stream`: the WebSocket upgrade of a live stream (docs/streaming.md). Everything that can
/// be refused is refused here, as an ordinary HTTP error before the upgrade: the API key (401/403, by
/// the router's access rule), a bad parameter (400), no room for another stream or shutting down (503),
/// not a WebSocket handshake (400, or 426 for another protocol version).
enum StreamRoute {
    /// The subprotocol the server speaks; a browser offers it beside `bearer.<key>` (docs/streaming.md).
    static let subprotocol = "ser.v1"

    static func register(in router: inout Router, application: ApplicationProxy) {
        router.add("GET", "/v1/stream") { context throws(APIError) in
            guard let app = application.box.application else { throw APIError.unavailable("starting up", retryAfterSeconds: 1) }
            return try app.openStream(context)
        }
    }
}

extension ServiceApplication {
    func openStream(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let request = context.request
        // Parameters and room first: a browser never shows the answer to a refused upgrade, but the
        // page asks again without the upgrade and shows this one.
        var parameters = StreamParameters()
        try parameters.apply(request.query)
        guard streams.hasRoom else {
            throw APIError(status: 503, code: "capacity",
                           message: isDraining || streams.isDraining ? "the server is shutting down; retry on another instance"
                               : "the server has \(configuration.streams.maxStreams) streams open, its limit; retry on another instance",
                           headers: [.init(name: "Retry-After", value: "1")])
        }
        let accept: String
        do throws(WebSocketHandshake.HandshakeError) {
            accept = try WebSocketHandshake.validate(method: request.method) { request.header($0) }
        } catch {
            let upgrade = error.status == 426
            throw APIError(status: error.status, code: upgrade ? "upgrade_required" : "not_websocket",
                           message: "\(error.message); /v1/stream is a WebSocket (docs/streaming.md)",
                           headers: upgrade ? [.init(name: "Sec-WebSocket-Version", value: "13")] : [])
        }
        let offered = WebSocketHandshake.offeredProtocols(request.header("Sec-WebSocket-Protocol"))
        guard offered.isEmpty || offered.contains(StreamRoute.subprotocol) else {
            throw APIError(status: 400, code: "invalid_parameter",
                           message: "offer the subprotocol '\(StreamRoute.subprotocol)' (with 'bearer.<key>' to give an API key)")
        }
        var headers: [(name: String, value: String)] = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", accept)]
        if !offered.isEmpty { headers.append(("Sec-WebSocket-Protocol", StreamRoute.subprotocol)) }
        let requestID = context.requestID, logger = context.logger, configured = parameters
        return .switchingProtocols(headers: headers) { [self] connection in
            StreamSession.start(connection, application: self, parameters: configured, requestID: requestID, logger: logger)
        }
    }
}
