import Analysis
import AudioDecoding
import Foundation
import HTTPServer
import Logging
import Model
import ModelRegistry
import WebSocket

/// One live stream on its own thread: reads WebSocket frames from the upgraded connection, feeds the
/// audio to the incremental analysis, and sends each segment as soon as it is complete, then the
/// summary and a close (docs/streaming.md).
///
/// The socket is read only when the analysis has taken the last message, so a client sending faster
/// than real time is held back by TCP flow control: what is buffered is one message at most
/// (`stream-max-message-bytes`) plus the 16 KiB read buffer. A thread per stream keeps the code
/// straight; its stack is virtual memory, touched only as deep as the analysis goes.
final class StreamSession: @unchecked Sendable {
    private let connection: UpgradedConnection
    private let application: ServiceApplication
    private var parameters: StreamParameters
    private let logger: Logger
    private let requestID: String
    private var reader: WebSocketReader
    private var live: LiveAudio?
    private let clock = ContinuousClock()
    private let opened: ContinuousClock.Instant
    private var lastFrame: ContinuousClock.Instant
    /// The close code the stream ended with (1006 when the connection dropped without one).
    private var closeCode = WebSocketCloseCode.abnormal
    private var segmentsSent = 0

    private var limits: StreamLimits { application.configuration.streams }
    private var sendTimeoutMilliseconds: Int { Int(limits.idleTimeoutSeconds * 1000) }

    private init(connection: UpgradedConnection, application: ServiceApplication, parameters: StreamParameters, requestID: String,
                 logger: Logger) {
        self.connection = connection
        self.requestID = requestID
        self.application = application
        self.parameters = parameters
        self.logger = logger
        reader = WebSocketReader(maxMessageBytes: application.configuration.streams.maxMessageBytes)
        opened = clock.now
        lastFrame = opened
    }

    /// Starts a stream on a thread of its own (called on the HTTP worker, which must not block), or,
    /// when the limit was reached since the upgrade was granted, refuses it with 1013.
    static func start(_ connection: UpgradedConnection, application: ServiceApplication, parameters: StreamParameters, requestID: String,
                      logger: Logger) {
        guard application.streams.enter() else {
            let failure = StreamFailure(code: "capacity", message: "the server has no room for another stream; retry on another instance",
                                        close: .tryAgainLater)
            _ = connection.send(encodedJSON(StreamErrorMessage(code: failure.code, message: failure.message)).textFrame, timeoutMilliseconds: 100)
            _ = connection.send(WebSocketFrame.close(failure.close, reason: failure.code), timeoutMilliseconds: 100)
            connection.close()
            return
        }
        application.metrics.streamOpened()
        let session = StreamSession(connection: connection, application: application, parameters: parameters, requestID: requestID,
                                    logger: logger)
        let thread = Thread { session.run() }
        thread.stackSize = 1 << 20
        thread.name = "stream"
        thread.start()
    }

    private func run() {
        logger.info("stream opened", metadata: ["remote": "\(connection.remoteAddress ?? "-")"])
        do throws(StreamFailure) {
            try serve()
        } catch {
            fail(error)
        }
        ended()
    }

    private func ended() {
        connection.close()
        application.streams.leave()
        application.metrics.streamClosed(closeCode: Int(closeCode.rawValue))
        logger.info("stream closed", metadata: [
            "close_code": "\(closeCode.rawValue)", "audio_s": "\(((live?.receivedSeconds ?? 0) * 1000).rounded() / 1000)",
            "segments": "\(segmentsSent)", "wall_s": "\(((clock.now - opened) / .milliseconds(1)).rounded() / 1000)",
        ])
    }

    // MARK: The loop

    /// Reads and handles messages until the stream ends.
    private func serve() throws(StreamFailure) {
        connection.initialBytes.withUnsafeBytes { reader.append($0) }
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var arrived = clock.now
        while true {
            while let message = try nextMessage() {
                if try handle(message, arrived: arrived) { return }
            }
            if let reason = endReason() {
                try end(closing: reason.close, error: reason)
                return
            }
            let result = buffer.withUnsafeMutableBytes { connection.receive(into: $0, timeoutMilliseconds: 200) }
            switch result {
            case .received(let count):
                buffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                arrived = clock.now
                lastFrame = arrived
            case .timedOut:
                continue
            case .closed:
                closeCode = .abnormal  // gone without a close frame: nothing can be sent
                return
            }
        }
    }

    private func nextMessage() throws(StreamFailure) -> WebSocketMessage? {
        do throws(WebSocketError) {
            return try reader.next()
        } catch {
            throw StreamFailure(error)
        }
    }

    /// Why the server ends the stream now, if it does: shutdown, the duration limit, the idle timeout.
    private func endReason() -> StreamFailure? {
        if application.streams.isDraining {
            return StreamFailure(code: "shutting_down", message: "the server is shutting down; reconnect to another instance", close: .goingAway)
        }
        if clock.now - opened > .seconds(limits.maxDurationSeconds) {
            return StreamFailure(code: "stream_too_long", message: "the stream reached the limit of \(limits.maxDurationSeconds) s; open a new one",
                                 close: .policyViolation)
        }
        if clock.now - lastFrame > .seconds(limits.idleTimeoutSeconds) {
            return StreamFailure(code: "idle_timeout", message: "no frame from the client for \(limits.idleTimeoutSeconds) s", close: .policyViolation)
        }
        return nil
    }

    /// Handles one message; true when the stream has ended.
    private func handle(_ message: WebSocketMessage, arrived: ContinuousClock.Instant) throws(StreamFailure) -> Bool {
        switch message {
        case .binary(let bytes):
            let audio = try configured()
            let before = audio.receivedSeconds
            let updates = try audio.append(bytes)
            application.metrics.streamAudioReceived(seconds: audio.receivedSeconds - before)
            try send(updates, arrived: arrived)
        case .text(let text):
            switch try ClientMessage.parse(text) {
            case .start(let fields):
                guard live == nil else {
                    throw StreamFailure(code: "invalid_message", message: "the start message must come before any audio", close: .policyViolation)
                }
                do throws(APIError) {
                    try parameters.apply(StreamParameters.pairs(ofStartMessage: fields))
                } catch {
                    throw StreamFailure(error)
                }
                _ = try configured()
            case .stop:
                try end(closing: .normal, error: nil)
                return true
            }
        case .ping(let payload):
            try send(frame: WebSocketFrame.pong(payload))
        case .pong:
            break
        case .close:
            try end(closing: .normal, error: nil)
            return true
        }
        return false
    }

    /// The stream's audio pipeline, made (and announced with `ready`) at the first need.
    private func configured() throws(StreamFailure) -> LiveAudio {
        if let live { return live }
        let model: EmotionModel
        do throws(ModelLookupError) {
            model = try application.registry.model(named: parameters.modelName, version: parameters.modelVersion)
        } catch {
            if case .noModelsLoaded = error {
                throw StreamFailure(code: "unavailable", message: "no model is loaded yet; retry shortly", close: .tryAgainLater)
            }
            throw StreamFailure(code: "model_not_found", message: error.description, close: .policyViolation)
        }
        let audio = try LiveAudio(model: model, parameters: parameters, slots: application.streams.scoringSlots)
        live = audio
        try send(json: StreamReadyMessage(
            model: .init(name: model.name, version: model.version), labels: model.labels, encoding: parameters.encoding.rawValue,
            sampleRate: parameters.sampleRate, channels: parameters.channels, roles: parameters.roles,
            segmentSeconds: parameters.segmentSeconds, hopSeconds: parameters.hopSeconds ?? parameters.segmentSeconds))
        return audio
    }

    // MARK: Ending

    /// The normal end: the last segments and the summary (when audio came), the error message when the
    /// server ends it, then the close frame and the closing handshake.
    private func end(closing code: WebSocketCloseCode, error: StreamFailure?) throws(StreamFailure) {
        if let live {
            let (updates, analysis) = try live.finish()
            try send(updates, arrived: clock.now)
            try send(json: StreamSummaryMessage(prediction: summary(analysis, audio: live)))
        }
        if let error { try send(json: StreamErrorMessage(code: error.code, message: error.message)) }
        try send(frame: WebSocketFrame.close(code, reason: error?.code ?? ""))
        closeCode = code
        awaitPeerClose()
    }

    /// The error message and close frame for a failure (sent with a short timeout: the peer may be gone).
    private func fail(_ failure: StreamFailure) {
        if failure.close == .internalError { logger.error("stream failed", metadata: ["error": "\(failure.message)"]) }
        let sent = connection.send(encodedJSON(StreamErrorMessage(code: failure.code, message: failure.message)).textFrame, timeoutMilliseconds: 1000)
            && connection.send(WebSocketFrame.close(failure.close, reason: failure.code), timeoutMilliseconds: 1000)
        closeCode = sent ? failure.close : .abnormal
        if sent { awaitPeerClose() }
    }

    /// Gives the client up to a second to answer the close frame (RFC 6455 §7.1.1: the server closes the
    /// TCP connection after the closing handshake).
    private func awaitPeerClose() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = clock.now.advanced(by: .seconds(1))
        while clock.now < deadline {
            let result = buffer.withUnsafeMutableBytes { connection.receive(into: $0, timeoutMilliseconds: 100) }
            if case .closed = result { return }
            if case .received(let count) = result {
                buffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                while let message = try? reader.next() { if case .close = message { return } }
            }
        }
    }

    // MARK: Sending

    private func send(_ updates: [SegmentUpdate], arrived: ContinuousClock.Instant) throws(StreamFailure) {
        guard let live else { return }
        for update in updates {
            let role = update.channel < parameters.roles.count ? parameters.roles[update.channel] : nil
            try send(json: StreamSegmentMessage(update, role: role, labels: live.model.labels))
            segmentsSent += 1
            application.metrics.segmentSent(latencySeconds: (clock.now - arrived) / .seconds(1))
        }
    }

    private func send(json body: some Encodable) throws(StreamFailure) {
        try send(frame: encodedJSON(body).textFrame)
    }

    private func send(frame: [UInt8]) throws(StreamFailure) {
        guard connection.send(frame, timeoutMilliseconds: sendTimeoutMilliseconds) else {
            closeCode = .abnormal
            throw StreamFailure(code: "client_not_reading", message: "the client did not read for \(limits.idleTimeoutSeconds) s",
                                close: .policyViolation)
        }
    }

    /// The summary: the body `POST /v1/predict` gives, for the audio received.
    private func summary(_ analysis: SourceAnalysis, audio: LiveAudio) -> PredictionResponse {
        let signals = (0..<parameters.channels).map { c in (index: c, role: c < parameters.roles.count ? parameters.roles[c] : nil) }
        let format = AudioFormat(container: "stream", encoding: parameters.encoding.rawValue, sampleRate: parameters.sampleRate,
                                 channelCount: parameters.channels)
        return ServiceApplication.response(analysis, signals: signals, model: audio.model, format: format, requestID: requestID,
                                           totalSeconds: (clock.now - opened) / .seconds(1))
    }
}

extension [UInt8] {
    /// These bytes (UTF-8 JSON) as one WebSocket text frame.
    var textFrame: [UInt8] { WebSocketFrame.encode(.text, payload: self) }
}
