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
        let model: EmotionModel
        do throws(ModelLookupError) {
            model = try registry.model(named: parameters.modelName, version: parameters.modelVersion)
        } catch {
            if case .noModelsLoaded = error { throw APIError.unavailable("no model is loaded yet", retryAfterSeconds: 1) }
            throw APIError(status: 404, code: "model_not_found", message: error.description)
        }

        return try limiter.run { () throws(APIError) -> HTTPResponse in
            // The audio is decoded block by block twice (energy pass, window pass) and never held
            // whole: memory per request is the body plus what the pending windows need.
            let source: EncodedAudioSource
            do throws(AudioDecodingError) {
                source = try EncodedAudioSource(bytes: audioBytes, decoder: AudioDecoder(limits: configuration.audioLimits),
                                                sampleRate: model.sampleRate, mix: parameters.channelMode == .mix)
            } catch {
                throw APIError(error)
            }
            let format = source.format
            if parameters.roles.count > format.channelCount && parameters.channelMode == .split {
                throw APIError.invalidParameter("roles", "\(parameters.roles.count) roles for \(format.channelCount) channel(s)")
            }
            // The channels to analyse: each one (agent, customer, ...) or their mix.
            let signals: [(index: Int, role: String?)]
            if parameters.channelMode == .mix || format.channelCount == 1 {
                signals = [(format.channelCount == 1 ? 0 : -1, format.channelCount == 1 ? parameters.roles.first : nil)]
            } else {
                signals = (0..<format.channelCount).map { ($0, $0 < parameters.roles.count ? parameters.roles[$0] : nil) }
            }
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
            let analyses = result.channels
            let durationSeconds = Double(result.sampleCount) / Double(model.sampleRate)
            let overall = EmotionEstimate.combine(analyses.map(\.overall))
            if parameters.voiceActivityDetection, overall.probabilities == nil {
                throw APIError(status: 422, code: "no_speech",
                               message: "no speech was found in the audio; send audio with speech, or set vad=false to analyse it anyway")
            }
            metrics.audioAnalysed(seconds: durationSeconds)
            context.logMetadata["audio_s"] = "\((durationSeconds * 1000).rounded() / 1000)"
            context.logMetadata["model"] = "\(model.name):\(model.version)"

            var json = JSONWriter()
            json.beginObject()
            json.key("request_id"); json.string(context.requestID)
            json.key("model"); json.beginObject()
            json.key("name"); json.string(model.name)
            json.key("version"); json.string(model.version)
            json.endObject()
            json.key("labels"); json.beginArray(); for label in model.labels { json.string(label) }; json.endArray()
            json.key("audio"); json.beginObject()
            json.key("duration_s"); json.number(durationSeconds, digits: 3)
            json.key("sample_rate"); json.int(format.sampleRate)
            json.key("channels"); json.int(format.channelCount)
            json.key("container"); json.string(format.container)
            json.key("encoding"); json.string(format.encoding)
            json.endObject()
            json.key("overall"); Self.write(overall, labels: model.labels, to: &json)
            json.key("channels"); json.beginArray()
            for (signal, analysis) in zip(signals, analyses) {
                json.beginObject()
                json.key("index"); json.int(signal.index)
                json.key("role"); json.string(signal.role)
                json.key("overall"); Self.write(analysis.overall, labels: model.labels, to: &json)
                json.key("segments"); json.beginArray()
                for segment in analysis.segments {
                    json.beginObject()
                    json.key("start_s"); json.number(segment.startSeconds, digits: 3)
                    json.key("end_s"); json.number(segment.endSeconds, digits: 3)
                    json.key("speech"); json.bool(segment.speech)
                    Self.writeFields(segment.estimate, labels: model.labels, to: &json, includeSpeechSeconds: false)
                    json.endObject()
                }
                json.endArray()
                json.endObject()
            }
            json.endArray()
            let decodeSeconds = result.decodeSeconds, features = result.featureSeconds, inference = result.inferenceSeconds
            let total = (clock.now - started) / .seconds(1)
            json.key("timings_ms"); json.beginObject()
            json.key("decode"); json.number(decodeSeconds * 1000, digits: 3)
            json.key("features"); json.number(features * 1000, digits: 3)
            json.key("inference"); json.number(inference * 1000, digits: 3)
            json.key("total"); json.number(total * 1000, digits: 3)
            json.endObject()
            json.endObject()
            context.logMetadata["decode_ms"] = "\((decodeSeconds * 1e6).rounded() / 1000)"
            context.logMetadata["features_ms"] = "\((features * 1e6).rounded() / 1000)"
            context.logMetadata["inference_ms"] = "\((inference * 1e6).rounded() / 1000)"
            return .json(200, json.bytes)
        }
    }

    /// `{"label", "confidence", "probabilities", "speech_s"}`.
    static func write(_ estimate: EmotionEstimate, labels: [String], to json: inout JSONWriter) {
        json.beginObject()
        writeFields(estimate, labels: labels, to: &json, includeSpeechSeconds: true)
        json.endObject()
    }

    static func writeFields(_ estimate: EmotionEstimate, labels: [String], to json: inout JSONWriter, includeSpeechSeconds: Bool) {
        json.key("probabilities")
        if let p = estimate.probabilities {
            json.beginObject()
            for (label, value) in zip(labels, p) { json.key(label); json.number(Double(value)) }
            json.endObject()
        } else {
            json.null()
        }
        json.key("label"); json.string(estimate.topIndex.map { labels[$0] })
        json.key("confidence"); json.number(estimate.topIndex.map { Double(estimate.probabilities![$0]) })
        if includeSpeechSeconds { json.key("speech_s"); json.number(estimate.speechSeconds, digits: 3) }
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
