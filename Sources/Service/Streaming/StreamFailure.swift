import Analysis
import AudioDecoding
import WebSocket

/// Why a stream ends early: the `{"type": "error"}` message's code and text, and the close code sent
/// after it (docs/streaming.md lists them).
struct StreamFailure: Error, Equatable {
    var code: String
    var message: String
    var close: WebSocketCloseCode

    init(code: String, message: String, close: WebSocketCloseCode) {
        self.code = code
        self.message = message
        self.close = close
    }

    /// A frame that broke RFC 6455, an invalid UTF-8 text, a message over the limit.
    init(_ error: WebSocketError) {
        let code = switch error.code {
        case .invalidPayload: "invalid_message"
        case .messageTooBig: "message_too_large"
        default: "protocol_error"
        }
        self.init(code: code, message: error.reason, close: error.code)
    }

    /// A bad parameter (in the start message), an unknown model.
    init(_ error: APIError) {
        self.init(code: error.code, message: error.message, close: error.status >= 500 ? .tryAgainLater : .policyViolation)
    }

    init(analysis error: AnalysisError) {
        switch error {
        case .audio(let audio): self.init(code: audio.code, message: audio.description, close: .invalidPayload)
        case .tooManySegments(let count, let maximum):
            self.init(code: "invalid_parameter", message: "\(count) segments; at most \(maximum)", close: .policyViolation)
        case .network: self.init(code: "internal_error", message: "inference failed; the error is logged", close: .internalError)
        }
    }
}
