import Foundation
import HTTPServer
@testable import Service
import Testing
import TestSupport

@Suite("Models, reload, auth, metrics (in memory)")
struct ModelAndAdminRouteTests {
    @Test func listsModelsAndDescribesOne() throws {
        let fixture = try ServiceFixture(models: [("alpha", 1), ("alpha", 3), ("beta", 1)])
        let list = ServiceFixture.json(fixture.respond("GET", "/v1/models"))
        #expect(list["default"] as? String == "alpha")
        let models = try #require(list["models"] as? [[String: Any]])
        #expect(models.map { $0["name"] as? String } == ["alpha", "beta"])
        #expect(models[0]["versions"] as? [String] == ["1", "3"])
        #expect(models[0]["latest"] as? String == "3")

        let detail = fixture.respond("GET", "/v1/models/alpha")
        #expect(detail.status == 200)
        let versions = try #require(ServiceFixture.json(detail)["versions"] as? [[String: Any]])
        #expect(versions.count == 2)
        let featureConfig = try #require(versions[0]["feature_config"] as? [String: Any])
        #expect(featureConfig.count > 10)
        #expect((versions[0]["architecture"] as? [String: Any])?["layers"] != nil)
        #expect(versions[0]["metrics"] as? [String: String] == ["note": "untrained"])
        #expect(fixture.respond("GET", "/v1/models/gamma").status == 404)
    }

    @Test func openInferenceProtocolModelRoutes() throws {
        let fixture = try ServiceFixture(models: [("alpha", 1)])
        let metadata = ServiceFixture.json(fixture.respond("GET", "/v2/models/alpha"))
        #expect(metadata["name"] as? String == "alpha")
        #expect(metadata["versions"] as? [String] == ["1"])
        #expect((metadata["outputs"] as? [[String: Any]])?.first?["shape"] as? [Int] == [7])
        #expect(fixture.respond("GET", "/v2/models/alpha/ready").status == 200)
        #expect(fixture.respond("GET", "/v2/models/nope/ready").status == 404)
        #expect(fixture.respond("GET", "/v2/models/nope").status == 404)
        let server = ServiceFixture.json(fixture.respond("GET", "/v2"))
        #expect(server["name"] as? String == "ser-server")
    }

    @Test func apiKeysGuardV1RoutesButNotProbes() throws {
        let fixture = try ServiceFixture(configuration: ServiceFixture.service { $0.apiKeys = ["k1-secret", "k2-secret"] })
        let wav = try ServiceFixture.speechWAV()
        let none = fixture.predict(wav)
        #expect(none.status == 401 && none.header("WWW-Authenticate") == "Bearer")
        #expect(fixture.predict(wav, headers: [("Authorization", "Bearer wrong")]).status == 403)
        #expect(fixture.predict(wav, headers: [("Authorization", "Basic k1-secret")]).status == 401)
        #expect(fixture.predict(wav, headers: [("Authorization", "Bearer k2-secret")]).status == 200)
        #expect(fixture.respond("GET", "/v1/models").status == 401)
        #expect(fixture.respond("GET", "/v1/models", headers: [("Authorization", "Bearer k1-secret")]).status == 200)
        for probe in ["/healthz", "/readyz", "/v2/health/live", "/v2/health/ready", "/metrics", "/openapi.yaml", "/v2"] {
            #expect(fixture.respond("GET", probe).status == 200, "\(probe)")
        }
    }

    @Test func reloadNeedsTheAdminKeyAndPicksUpNewVersions() throws {
        let fixture = try ServiceFixture(configuration: ServiceFixture.service { $0.apiKeys = ["client"]; $0.adminKey = "admin-secret" })
        #expect(fixture.respond("POST", "/v1/models/reload").status == 401)
        #expect(fixture.respond("POST", "/v1/models/reload", headers: [("Authorization", "Bearer client")]).status == 403)
        try TinyModel.write(to: fixture.directory, name: "tiny", version: 2, seed: 7)
        let reload = fixture.respond("POST", "/v1/models/reload", headers: [("Authorization", "Bearer admin-secret")])
        #expect(reload.status == 200)
        let report = ServiceFixture.json(reload)
        #expect(report["loaded"] as? [String] == ["tiny:2"])
        #expect(report["unchanged"] as? [String] == ["tiny:1"])
        let wav = try ServiceFixture.speechWAV()
        let model = ServiceFixture.json(fixture.predict(wav, headers: [("Authorization", "Bearer client")]))["model"] as? [String: String]
        #expect(model?["version"] == "2")
    }

    @Test func reloadWithoutAnAdminKeyConfiguredIsRefused() throws {
        let fixture = try ServiceFixture()
        let response = fixture.respond("POST", "/v1/models/reload", headers: [("Authorization", "Bearer anything")])
        #expect(response.status == 403)
    }

    @Test func metricsCountRequestsByRoutePattern() throws {
        let fixture = try ServiceFixture()
        _ = fixture.predict(try ServiceFixture.speechWAV())
        _ = fixture.predict(Array("junk".utf8))
        _ = fixture.respond("GET", "/v1/models/tiny")
        let text = String(decoding: fixture.respond("GET", "/metrics").body, as: UTF8.self)
        #expect(text.contains("ser_http_requests_total{route=\"/v1/predict\",method=\"POST\",status=\"200\"} 1"))
        #expect(text.contains("ser_http_requests_total{route=\"/v1/predict\",method=\"POST\",status=\"400\"} 1"))
        #expect(text.contains("ser_http_requests_total{route=\"/v1/models/{name}\",method=\"GET\",status=\"200\"} 1"))
        #expect(text.contains("ser_audio_duration_seconds_count 1"))
        #expect(text.contains("ser_model_info{name=\"tiny\",version=\"1\"} 1"))
        #expect(text.contains("ser_model_load_events_total{result=\"success\"} 1"))
        #expect(text.contains("# TYPE ser_http_request_duration_seconds histogram"))
    }

    /// With one slot and no queue, a second concurrent prediction is refused with 503 + Retry-After.
    /// The slot is held by a closure the test controls, so the outcome does not depend on how long a
    /// prediction takes (timing-based versions failed under AddressSanitizer on a loaded machine).
    @Test func overloadIsRefusedWith503AndRetryAfter() throws {
        let fixture = try ServiceFixture(configuration: ServiceFixture.service { $0.maxConcurrentPredictions = 1; $0.maxQueuedPredictions = 0 })
        let short = try ServiceFixture.speechWAV(seconds: 2)
        let release = DispatchSemaphore(value: 0)
        let finished = fixture.application.limiter.holdSlot(until: release)
        let refused = fixture.predict(short)
        release.signal()
        #expect(finished.wait(timeout: .now() + 60) == .success)
        let served = fixture.predict(short)
        #expect(refused.status == 503 && refused.header("Retry-After") != nil)
        #expect(served.status == 200)
        let text = String(decoding: fixture.respond("GET", "/metrics").body, as: UTF8.self)
        #expect(text.contains("ser_queue_rejections_total 1"))
    }
}
