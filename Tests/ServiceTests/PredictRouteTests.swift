import AudioDecoding
import Foundation
import HTTPServer

import Service
import Testing
import TestSupport
import ModelRegistry

@Suite("POST /v1/predict (in memory)")
struct PredictRouteTests {
    @Test func answersWithTheDocumentedShape() throws {
        let fixture = try ServiceFixture()
        let response = fixture.predict(try ServiceFixture.speechWAV(seconds: 3))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let json = ServiceFixture.json(response)
        #expect((json["request_id"] as? String)?.isEmpty == false)
        #expect(json["model"] as? [String: String] == ["name": "tiny", "version": "1"])
        #expect(json["labels"] as? [String] == TinyModel.labels)
        let audio = try #require(json["audio"] as? [String: Any])
        #expect(audio["duration_s"] as? Double == 3)
        #expect(audio["sample_rate"] as? Int == 16000)
        #expect(audio["channels"] as? Int == 1)
        #expect(audio["container"] as? String == "wav" && audio["encoding"] as? String == "pcm_s16")
        let overall = try #require(json["overall"] as? [String: Any])
        let probabilities = try #require(overall["probabilities"] as? [String: Double])
        #expect(Set(probabilities.keys) == Set(TinyModel.labels))
        #expect(abs(probabilities.values.reduce(0, +) - 1) < 1e-4)
        let label = try #require(overall["label"] as? String)
        #expect(overall["confidence"] as? Double == probabilities[label])
        #expect(probabilities[label] == probabilities.values.max())
        let timings = try #require(json["timings_ms"] as? [String: Double])
        #expect(Set(timings.keys) == ["decode", "features", "inference", "total"])
        #expect(timings["total"]! >= timings["inference"]!)
    }

    @Test func splitsAStereoTelephoneCallIntoAgentAndCustomer() throws {
        let fixture = try ServiceFixture()
        let call = try ServiceFixture.speechWAV(seconds: 4, sampleRate: 8000, channels: 2, format: .wavMuLaw)
        let response = fixture.predict(call, query: [("roles", "agent,customer"), ("segment", "2")])
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let json = ServiceFixture.json(response)
        let audio = try #require(json["audio"] as? [String: Any])
        #expect(audio["sample_rate"] as? Int == 8000 && audio["channels"] as? Int == 2 && audio["encoding"] as? String == "mulaw")
        let channels = try #require(json["channels"] as? [[String: Any]])
        #expect(channels.map { $0["index"] as? Int } == [0, 1])
        #expect(channels.map { $0["role"] as? String } == ["agent", "customer"])
        for channel in channels {
            let segments = try #require(channel["segments"] as? [[String: Any]])
            #expect(segments.map { $0["start_s"] as? Double } == [0, 2])
            #expect(segments.map { $0["end_s"] as? Double } == [2, 4])
        }
    }

    @Test func mixesChannelsWhenAsked() throws {
        let fixture = try ServiceFixture()
        let response = fixture.predict(try ServiceFixture.speechWAV(channels: 2), query: [("channels", "mix")])
        let channels = try #require(ServiceFixture.json(response)["channels"] as? [[String: Any]])
        #expect(channels.count == 1)
        #expect(channels[0]["index"] as? Int == -1)
    }

    /// Segment timelines cover the audio exactly, including a short last segment and overlaps.
    @Test(arguments: [(5.0, nil as Double?, 7.5, [0.0, 5.0]), (2.0, 1.0, 5.0, [0.0, 1.0, 2.0, 3.0]), (0.0, nil, 3.2, [0.0]),
                      (0.0, 1.0, 3.2, [0.0])])
    func segmentTimelinesCoverTheAudio(segment: Double, hop: Double?, seconds: Double, starts: [Double]) throws {
        let fixture = try ServiceFixture()
        var query = [("segment", String(segment)), ("vad", "false")]
        if let hop { query.append(("hop", String(hop))) }
        let response = fixture.predict(try ServiceFixture.speechWAV(seconds: seconds), query: query)
        #expect(response.status == 200)
        let channel = try #require((ServiceFixture.json(response)["channels"] as? [[String: Any]])?.first)
        let segments = try #require(channel["segments"] as? [[String: Any]])
        #expect(segments.map { $0["start_s"] as? Double } == starts)
        #expect(segments.last?["end_s"] as? Double == seconds)
        // Adjacent or overlapping segments leave no gap.
        for (a, b) in zip(segments, segments.dropFirst()) { #expect((b["start_s"] as! Double) <= (a["end_s"] as! Double)) }
        #expect(segments.allSatisfy { $0["speech"] as? Bool == true })
    }

    /// A hop longer than the segment samples the audio: 1 s segments every 2 s.
    @Test func aHopLongerThanTheSegmentSamplesTheAudio() throws {
        let fixture = try ServiceFixture()
        let response = fixture.predict(try ServiceFixture.speechWAV(seconds: 6), query: [("segment", "1"), ("hop", "2"), ("vad", "false")])
        let segments = try #require(((ServiceFixture.json(response)["channels"] as? [[String: Any]])?.first)?["segments"] as? [[String: Any]])
        #expect(segments.map { $0["start_s"] as? Double } == [0, 2, 4])
        #expect(segments.map { $0["end_s"] as? Double } == [1, 3, 5])
    }

    @Test func acceptsMultipartUploadsLikeCurlF() throws {
        let fixture = try ServiceFixture()
        let wav = try ServiceFixture.speechWAV()
        let boundary = "------------------------d74496d66958873e"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"call.wav\"\r\nContent-Type: audio/wav\r\n\r\n".utf8)
        body += wav + Array("\r\n--\(boundary)--\r\n".utf8)
        let response = fixture.predict(body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
    }

    @Test(arguments: [AudioEncoder.Format.flac, .oggVorbis, .oggOpus, .wavALaw, .aiff])
    func acceptsOtherFormats(format: AudioEncoder.Format) throws {
        let fixture = try ServiceFixture()
        let response = fixture.predict(try ServiceFixture.speechWAV(format: format), contentType: "application/octet-stream")
        #expect(response.status == 200, "\(format): \(String(decoding: response.body, as: UTF8.self))")
    }

    // MARK: Errors

    struct ErrorCase: Sendable, CustomStringConvertible {
        let name: String
        let query: [(String, String)]
        let status: Int
        let code: String
        var description: String { name }
    }

    @Test(arguments: [
        ErrorCase(name: "unknown parameter", query: [("segmnt", "5")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "negative segment", query: [("segment", "-1")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "NaN segment", query: [("segment", "nan")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "tiny segment", query: [("segment", "0.01")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "tiny hop", query: [("segment", "2"), ("hop", "0.01")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "model with empty version", query: [("model", "tiny:")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "bad channels", query: [("channels", "both")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "bad vad", query: [("vad", "maybe")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "too many roles", query: [("roles", "a,b,c")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "empty role", query: [("roles", "a,,b")], status: 400, code: "invalid_parameter"),
        ErrorCase(name: "unknown model", query: [("model", "nope")], status: 404, code: "model_not_found"),
        ErrorCase(name: "unknown version", query: [("model", "tiny:9")], status: 404, code: "model_not_found"),
    ])
    func rejectsBadParameters(_ c: ErrorCase) throws {
        let fixture = try ServiceFixture()
        let response = fixture.predict(try ServiceFixture.speechWAV(), query: c.query)
        #expect(response.status == c.status)
        #expect(ServiceFixture.errorCode(response) == c.code)
    }

    @Test func rejectsBadBodies() throws {
        let fixture = try ServiceFixture()
        let notAudio = fixture.predict(Array("hello".utf8))
        #expect(notAudio.status == 400 && ServiceFixture.errorCode(notAudio) == "not_audio")

        let textPlain = fixture.predict(try ServiceFixture.speechWAV(), contentType: "text/plain")
        #expect(textPlain.status == 415 && ServiceFixture.errorCode(textPlain) == "unsupported_media_type")

        let noLength = fixture.respond("POST", "/v1/predict", headers: [("Content-Type", "audio/wav")])
        #expect(noLength.status == 411 && ServiceFixture.errorCode(noLength) == "length_required")

        let empty = fixture.respond("POST", "/v1/predict", headers: [("Content-Type", "audio/wav"), ("Content-Length", "0")])
        #expect(empty.status == 400 && ServiceFixture.errorCode(empty) == "empty_body")

        let short = fixture.predict(try ServiceFixture.speechWAV(seconds: 0.05))
        #expect(short.status == 422 && ServiceFixture.errorCode(short) == "audio_too_short")

        let silence = try AudioEncoder().encode([[Float](repeating: 0, count: 32000)], sampleRate: 16000, format: .wavPCM16)
        let noSpeech = fixture.predict(silence)
        #expect(noSpeech.status == 422 && ServiceFixture.errorCode(noSpeech) == "no_speech")
        #expect(fixture.predict(silence, query: [("vad", "false")]).status == 200)

        let badMultipart = fixture.predict(Array("--x\r\nno headers end".utf8), contentType: "multipart/form-data; boundary=x")
        #expect(badMultipart.status == 400 && ServiceFixture.errorCode(badMultipart) == "invalid_multipart")
        let noBoundary = fixture.predict(try ServiceFixture.speechWAV(), contentType: "multipart/form-data")
        #expect(noBoundary.status == 400 && ServiceFixture.errorCode(noBoundary) == "invalid_multipart")
    }

    @Test func audioOverTheDurationLimitIs413() throws {
        let fixture = try ServiceFixture(configuration: ServiceFixture.service { $0.audioLimits = AudioLimits(maxDurationSeconds: 2) })
        let response = fixture.predict(try ServiceFixture.speechWAV(seconds: 3))
        #expect(response.status == 413 && ServiceFixture.errorCode(response) == "audio_too_long")
    }

    @Test func tooManyChannelsIs400() throws {
        let fixture = try ServiceFixture(configuration: ServiceFixture.service { $0.audioLimits = AudioLimits(maxChannels: 1) })
        let response = fixture.predict(try ServiceFixture.speechWAV(channels: 2))
        #expect(response.status == 400 && ServiceFixture.errorCode(response) == "invalid_channel_count")
    }

    @Test func noModelLoadedIs503() throws {
        let fixture = try ServiceFixture(models: [])
        let response = fixture.predict(try ServiceFixture.speechWAV())
        #expect(response.status == 503 && response.header("Retry-After") != nil)
    }

    @Test func choosesModelsAndVersionsByName() throws {
        let fixture = try ServiceFixture(models: [("alpha", 1), ("alpha", 2), ("beta", 1)])
        let wav = try ServiceFixture.speechWAV()
        func model(_ query: [(String, String)]) -> [String: String]? {
            ServiceFixture.json(fixture.predict(wav, query: query))["model"] as? [String: String]
        }
        #expect(model([]) == ["name": "alpha", "version": "2"])
        #expect(model([("model", "alpha:1")]) == ["name": "alpha", "version": "1"])
        #expect(model([("model", "beta")]) == ["name": "beta", "version": "1"])
        #expect(model([("model", "alpha:latest")]) == ["name": "alpha", "version": "2"])
    }

    /// Calibration: the temperature stored in the model changes the probabilities the API returns.
    @Test func returnsTheModelsCalibratedProbabilities() throws {
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TinyModel.write(to: directory, name: "plain", seed: 4, temperature: 1)
        try TinyModel.write(to: directory, name: "calibrated", seed: 4, temperature: 2.5)
        let app = ServiceApplication(registry: .init(directory: directory.path, logger: ServiceFixture.logger), configuration: ServiceFixture.service(), logger: ServiceFixture.logger)
        app.reloadModels(trigger: "test")
        let wav = try ServiceFixture.speechWAV()
        func probabilities(_ model: String) -> [String: Double] {
            let response = app.respond(to: HTTPRequest(method: "POST", path: "/v1/predict", query: [("model", model)],
                                                       headers: [("Content-Type", "audio/wav"), ("Content-Length", "\(wav.count)")], body: wav))
            return ((ServiceFixture.json(response)["overall"] as? [String: Any])?["probabilities"] as? [String: Double]) ?? [:]
        }
        let p = probabilities("plain"), q = probabilities("calibrated")
        #expect(!p.isEmpty && !q.isEmpty)
        #expect(q.values.max()! < p.values.max()!)
    }
}
