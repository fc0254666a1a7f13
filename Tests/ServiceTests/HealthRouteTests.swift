import Foundation
import HTTPServer
import Logging
import Service
import Testing

/// The service's routes called in memory (no socket), as `HTTPRequest -> HTTPResponse`.
@Suite("Health, readiness and API document routes (in memory)")
struct HealthRouteTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func json(_ response: HTTPResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    @Test(arguments: ["/v2/health/live", "/healthz"])
    func livenessNeverDependsOnModels(path: String) {
        let app = ServiceApplication(logger: Self.logger, readyModels: { [] })
        let response = app.respond(to: HTTPRequest(method: "GET", path: path))
        #expect(response.status == 200)
        #expect(json(response)["live"] as? Bool == true)
    }

    @Test(arguments: ["/v2/health/ready", "/readyz"])
    func readinessIs503UntilAModelIsLoaded(path: String) {
        let empty = ServiceApplication(logger: Self.logger, readyModels: { [] })
        let notReady = empty.respond(to: HTTPRequest(method: "GET", path: path))
        #expect(notReady.status == 503)
        #expect(notReady.header("Retry-After") == "1")
        #expect((json(notReady)["error"] as? [String: Any])?["code"] as? String == "unavailable")

        let loaded = ServiceApplication(logger: Self.logger, readyModels: { ["ser-cnn"] })
        let ready = loaded.respond(to: HTTPRequest(method: "GET", path: path))
        #expect(ready.status == 200)
        #expect(json(ready)["models"] as? [String] == ["ser-cnn"])
    }

    @Test func readinessFailsWhileDraining() {
        let app = ServiceApplication(logger: Self.logger, readyModels: { ["ser-cnn"] })
        app.beginDraining()
        #expect(app.respond(to: HTTPRequest(method: "GET", path: "/readyz")).status == 503)
        #expect(app.respond(to: HTTPRequest(method: "GET", path: "/healthz")).status == 200)
    }

    @Test func unknownRouteIs404AndWrongMethodIs405() {
        let app = ServiceApplication(logger: Self.logger, readyModels: { [] })
        let missing = app.respond(to: HTTPRequest(method: "GET", path: "/nope"))
        #expect(missing.status == 404)
        #expect((json(missing)["error"] as? [String: Any])?["code"] as? String == "not_found")
        let wrong = app.respond(to: HTTPRequest(method: "POST", path: "/healthz"))
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "GET")
    }

    @Test func servesTheOpenAPIDocumentItIsBuiltFrom() throws {
        let app = ServiceApplication(logger: Self.logger, readyModels: { [] })
        let response = app.respond(to: HTTPRequest(method: "GET", path: "/openapi.yaml"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/yaml")
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("openapi.yaml"))
        #expect(Data(response.body) == onDisk)
    }

    @Test func echoesASaneRequestIDAndReplacesAHostileOne() {
        let app = ServiceApplication(logger: Self.logger, readyModels: { [] })
        let given = app.respond(to: HTTPRequest(method: "GET", path: "/healthz", headers: [("X-Request-Id", "abc-123.x_y")]))
        #expect(given.header("X-Request-Id") == "abc-123.x_y")
        let hostile = app.respond(to: HTTPRequest(method: "GET", path: "/healthz", headers: [("X-Request-Id", "a\"b\nc")]))
        #expect(hostile.header("X-Request-Id")?.count == 32)
    }

    @Test func headAnswersLikeGetWithoutABody() {
        let app = ServiceApplication(logger: Self.logger, readyModels: { [] })
        let response = app.respond(to: HTTPRequest(method: "HEAD", path: "/healthz"))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
    }
}
