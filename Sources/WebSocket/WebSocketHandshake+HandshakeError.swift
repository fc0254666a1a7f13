extension WebSocketHandshake {
    /// Why an upgrade request is refused: the HTTP status to answer and a message for the body.
    public struct HandshakeError: Error, Sendable, Equatable, CustomStringConvertible {
        /// 400 (not a valid upgrade request) or 426 (unsupported `Sec-WebSocket-Version`; answer with
        /// `Sec-WebSocket-Version: 13`).
        public var status: Int
        public var message: String

        public init(status: Int, message: String) {
            self.status = status
            self.message = message
        }

        public var description: String { "\(status): \(message)" }
    }
}
