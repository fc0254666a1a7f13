import Foundation
import HTTPServer
import Service
import Testing

/// The service's routes called in memory (no socket), as `HTTPRequest -> HTTPResponse`.
@Suite("Health, readiness and API document routes (in memory)")
struct HealthRouteTests {
    @Test(arguments: ["/v2/health/live", "/healthz"])
    func livenessNeverDependsOnModels(path: String) throws {
        let fixture = try ServiceFixture(models: [])
        let response = fixture.respond("GET", path)
        #expect(response.status == 200)
        #expect(ServiceFixture.json(response)["live"] as? Bool == true)
    }

    @Test(arguments: ["/v2/health/ready", "/readyz"])
    func readinessIs503UntilAModelIsLoaded(path: String) throws {
        let empty = try ServiceFixture(models: [])
        let notReady = empty.respond("GET", path)
        #expect(notReady.status == 503)
        #expect(notReady.header("Retry-After") == "1")
        #expect(ServiceFixture.errorCode(notReady) == "unavailable")

        let loaded = try ServiceFixture(models: [("ser-test", 1)])
        let ready = loaded.respond("GET", path)
        #expect(ready.status == 200)
        #expect(ServiceFixture.json(ready)["models"] as? [String] == ["ser-test"])
    }

    @Test func readinessFailsWhileDraining() throws {
        let fixture = try ServiceFixture()
        fixture.application.beginDraining()
        #expect(fixture.respond("GET", "/readyz").status == 503)
        #expect(fixture.respond("GET", "/healthz").status == 200)
    }

    @Test func unknownRouteIs404AndWrongMethodIs405() throws {
        let fixture = try ServiceFixture()
        let missing = fixture.respond("GET", "/nope")
        #expect(missing.status == 404)
        #expect(ServiceFixture.errorCode(missing) == "not_found")
        let wrong = fixture.respond("POST", "/healthz")
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "GET")
        let predictGet = fixture.respond("GET", "/v1/predict")
        #expect(predictGet.status == 405)
        #expect(predictGet.header("Allow") == "POST")
    }

    @Test func servesTheOpenAPIDocumentItIsBuiltFrom() throws {
        let fixture = try ServiceFixture()
        let response = fixture.respond("GET", "/openapi.yaml")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/yaml")
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("openapi.yaml"))
        #expect(Data(response.body) == onDisk)
    }

    /// The spec is the contract: every path and method it documents has a route, and vice versa.
    @Test func everyDocumentedOperationHasARouteAndEveryRouteIsDocumented() throws {
        let fixture = try ServiceFixture()
        let spec = String(decoding: fixture.respond("GET", "/openapi.yaml").body, as: UTF8.self)
        var documented: Set<String> = []
        var currentPath: String?
        var inPaths = false
        for line in spec.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") { currentPath = String(line.dropFirst(2).dropLast()) }
            else if let path = currentPath, let method = ["get", "post", "put", "delete", "patch"].first(where: { line == "    \($0):" }) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let routed = Set(fixture.application.routes.map { "\($0.method) \($0.path)" })
        #expect(documented.count == 15)
        #expect(documented == routed, "documented but not routed: \(documented.subtracting(routed)); routed but not documented: \(routed.subtracting(documented))")
    }

    @Test func echoesASaneRequestIDAndReplacesAHostileOne() throws {
        let fixture = try ServiceFixture()
        let given = fixture.respond("GET", "/healthz", headers: [("X-Request-Id", "abc-123.x_y")])
        #expect(given.header("X-Request-Id") == "abc-123.x_y")
        let hostile = fixture.respond("GET", "/healthz", headers: [("X-Request-Id", "a\"b\nc")])
        #expect(hostile.header("X-Request-Id")?.count == 32)
    }

    @Test func headAnswersLikeGetWithoutABody() throws {
        let fixture = try ServiceFixture()
        let response = fixture.respond("HEAD", "/healthz")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
    }
}

@Suite("Router")
struct RouterTests {
    @Test func theMostSpecificPatternDecidesTheAllowedMethods() throws {
        let fixture = try ServiceFixture()
        let get = fixture.respond("GET", "/v1/models/reload")
        #expect(get.status == 405)
        #expect(get.header("Allow") == "POST")
        #expect(fixture.respond("GET", "/v1/models/tiny").status == 200)
        #expect(fixture.respond("GET", "/v1/models/a%20b").status == 404)
    }
}
