import AudioDecoding
import HTTPServer
import Logging
import Analysis
import Model
import NeuralNet
import ModelRegistry

/// `POST /v1/predict`: audio in, emotion probabilities out (overall, per channel, per segment).
enum PredictRoute {
    static func register(in router: inout Router, application: ApplicationProxy) {
        router.add("POST", "/v1/predict") { context throws(APIError) in
            guard let app = application.box.application else { throw APIError.unavailable("starting up", retryAfterSeconds: 1) }
            return try app.predict(context)
        }
    }
}

extension ServiceApplication {
    func predict(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let clock = ContinuousClock()
        let started = clock.now
        let parameters = try PredictionParameters.parse(context.request)
        let audioBytes = try Self.audioBody(of: context.request)
        let model = try lookUpModel(parameters)
        return try limiter.run { () throws(APIError) -> HTTPResponse in
            // The audio is decoded block by block in one causal pass (two for one whole-audio segment of
            // a source that does not declare its length) and never held whole: memory per request is
            // the body plus what the pending windows need.
            let source: EncodedAudioSource
            do throws(AudioDecodingError) {
                source = try EncodedAudioSource(bytes: audioBytes, decoder: AudioDecoder(limits: configuration.audioLimits),
                                                sampleRate: model.sampleRate, mix: parameters.channelMode == .mix)
            } catch {
                throw APIError(error)
            }
            let signals = try Self.signals(of: source.format, parameters: parameters)
            let result = try analyze(source, model: model, parameters: parameters, context: context)
            let response = Self.response(result, signals: signals, model: model, format: source.format, requestID: context.requestID,
                                         totalSeconds: (clock.now - started) / .seconds(1))
            let durationSeconds = Double(result.sampleCount) / Double(model.sampleRate)
            metrics.audioAnalysed(seconds: durationSeconds)
            context.logMetadata["audio_s"] = "\((durationSeconds * 1000).rounded() / 1000)"
            context.logMetadata["model"] = "\(model.name):\(model.version)"
            context.logMetadata["decode_ms"] = "\((result.decodeSeconds * 1e6).rounded() / 1000)"
            context.logMetadata["features_ms"] = "\((result.featureSeconds * 1e6).rounded() / 1000)"
            context.logMetadata["inference_ms"] = "\((result.inferenceSeconds * 1e6).rounded() / 1000)"
            return .json(200, encoding: response)
        }
    }

    /// The model the request names (or the default), or 404 / 503.
    private func lookUpModel(_ parameters: PredictionParameters) throws(APIError) -> EmotionModel {
        do throws(ModelLookupError) {
            return try registry.model(named: parameters.modelName, version: parameters.modelVersion)
        } catch {
            if case .noModelsLoaded = error { throw APIError.unavailable("no model is loaded yet", retryAfterSeconds: 1) }
            throw APIError(status: 404, code: "model_not_found", message: error.description)
        }
    }

    /// The channels to analyse with their roles: each one (agent, customer, ...) or, with
    /// `channels=mix` or mono audio, one signal (index -1 for the mix).
    private static func signals(of format: AudioFormat, parameters: PredictionParameters) throws(APIError) -> [(index: Int, role: String?)] {
        if parameters.roles.count > format.channelCount && parameters.channelMode == .split {
            throw APIError.invalidParameter("roles", "\(parameters.roles.count) roles for \(format.channelCount) channel(s)")
        }
        if parameters.channelMode == .mix || format.channelCount == 1 {
            return [(format.channelCount == 1 ? 0 : -1, format.channelCount == 1 ? parameters.roles.first : nil)]
        }
        return (0..<format.channelCount).map { ($0, $0 < parameters.roles.count ? parameters.roles[$0] : nil) }
    }

    /// Runs the analysis with the request's options on a pooled session; 422 `no_speech` when voice
    /// activity finds none.
    private func analyze(_ source: EncodedAudioSource, model: EmotionModel, parameters: PredictionParameters,
                         context: RequestContext) throws(APIError) -> SourceAnalysis {
        var options = AnalysisOptions(segmentSeconds: parameters.segmentSeconds, hopSeconds: parameters.hopSeconds,
                                      voiceActivityDetection: parameters.voiceActivityDetection,
                                      maximumSegments: PredictionParameters.maximumSegments)
        options.parallelism = Self.analysisParallelism(threads: configuration.analysisThreads, running: limiter.running)
        let result: SourceAnalysis
        do throws(AnalysisError) {
            result = try model.withSession { (session) throws(AnalysisError) -> SourceAnalysis in
                try session.analyze(source, options: options)
            }
        } catch {
            switch error {
            case .audio(let audioError): throw APIError(audioError)
            case .tooManySegments(let count, let maximum):
                throw APIError.invalidParameter("segment", "\(count) segments requested; at most \(maximum) (use a longer segment or hop)")
            case .network(let networkError):
                // The network accepted the model at load time; a failure here is the server's fault.
                context.logger.error("inference failed", metadata: ["error": "\(networkError)"])
                throw APIError(status: 500, code: "internal_error", message: "inference failed; the error is logged with request id \(context.requestID)")
            }
        }
        if parameters.voiceActivityDetection, EmotionEstimate.combine(result.channels.map(\.overall)).probabilities == nil {
            throw APIError(status: 422, code: "no_speech",
                           message: "no speech was found in the audio; send audio with speech, or set vad=false to analyze it anyway")
        }
        return result
    }

    /// The response body for an analysis (also a live stream's summary).
    static func response(_ result: SourceAnalysis, signals: [(index: Int, role: String?)], model: EmotionModel,
                         format: AudioFormat, requestID: String, totalSeconds: Double) -> PredictionResponse {
        let labels = model.labels
        let channels = zip(signals, result.channels).map { signal, analysis in
            ChannelBody(index: signal.index, role: signal.role, overall: EstimateBody(analysis.overall, labels: labels),
                        segments: analysis.segments.map { SegmentBody($0, labels: labels) },
                        conversation: ChannelConversationBody(analysis.conversation))
        }
        let conversation = result.conversation.map {
            ConversationBody($0, channelIndices: signals.map(\.index), roles: signals.map(\.role))
        }
        return PredictionResponse(
            requestID: requestID, model: .init(name: model.name, version: model.version), labels: labels,
            audio: .init(durationSeconds: rounded(Double(result.sampleCount) / Double(model.sampleRate), digits: 3),
                         sampleRate: format.sampleRate, channels: format.channelCount, container: format.container,
                         encoding: format.encoding),
            overall: EstimateBody(.combine(result.channels.map(\.overall)), labels: labels), channels: channels,
            conversation: conversation,
            timings: .init(decode: rounded(result.decodeSeconds * 1000, digits: 3), features: rounded(result.featureSeconds * 1000, digits: 3),
                           inference: rounded(result.inferenceSeconds * 1000, digits: 3), total: rounded(totalSeconds * 1000, digits: 3)))
    }

    /// The audio bytes of a predict request: the raw body, or the file part of a multipart form.
    static func audioBody(of request: HTTPRequest) throws(APIError) -> [UInt8] {
        let contentType = request.header("Content-Type")?.lowercased() ?? "application/octet-stream"
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingCharacters() } ?? ""
        if request.body.isEmpty {
            let chunked = request.header("Transfer-Encoding")?.lowercased().contains("chunked") ?? false
            if request.header("Content-Length") == nil && !chunked {
                throw APIError(status: 411, code: "length_required", message: "send the audio as the request body (with Content-Length or chunked encoding)")
            }
            throw APIError(status: 400, code: "empty_body", message: "the request body is empty; send the audio file's bytes")
        }
        if mediaType == "multipart/form-data" {
            let form: MultipartFormData
            do throws(MultipartFormData.ParseError) {
                form = try MultipartFormData(body: request.body, boundary: try MultipartFormData.boundary(fromContentType: request.header("Content-Type") ?? ""))
            } catch {
                throw APIError(status: 400, code: "invalid_multipart", message: error.description)
            }
            guard let part = form.file() else {
                throw APIError(status: 400, code: "invalid_multipart", message: "the form has no file field; send it as -F file=@call.wav")
            }
            guard !part.body.isEmpty else { throw APIError(status: 400, code: "empty_body", message: "the uploaded file is empty") }
            return Array(part.body)
        }
        guard mediaType.hasPrefix("audio/") || mediaType == "application/octet-stream" else {
            throw APIError(status: 415, code: "unsupported_media_type",
                           message: "Content-Type '\(mediaType)' is not accepted; send audio/* (e.g. -H 'Content-Type: audio/wav'), application/octet-stream, or multipart/form-data (-F file=@call.wav)")
        }
        return request.body
    }

    /// Threads for one prediction's windows: the configured `--analysis-threads` shared among the
    /// predictions running now (this one included), at least one. A call alone on the server gets every
    /// thread; under load each prediction runs on one, so threads never outnumber the cores and no
    /// extra sessions and queued windows are held in memory.
    static func analysisParallelism(threads: Int, running: Int) -> Int {
        max(1, threads / max(1, running))
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
