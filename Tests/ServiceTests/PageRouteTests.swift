import Foundation
import HTTPServer
import Service
import Testing
import TestSupport

/// `GET /`: the page is the file in the repository, self-contained, under a Content-Security-Policy
/// whose nonce is the one in its inline style and script.
@Suite("The browser page at /")
struct PageRouteTests {
    static let source = SharedData.repositoryRoot.appendingPathComponent("Sources/Service/Page/index.html")
    static let placeholder = "__NONCE__"

    @Test func servesThePageWithItsHeadersWithoutAKey() throws {
        let fixture = try ServiceFixture(configuration: ServiceFixture.service { $0.apiKeys = ["secret"] })
        let response = fixture.respond("GET", "/", headers: [("Host", "127.0.0.1:8080")])
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        #expect(response.header("Cache-Control") == "no-cache")
        #expect(response.header("X-Content-Type-Options") == "nosniff")
        let policy = try #require(response.header("Content-Security-Policy"))
        #expect(policy.hasPrefix("default-src 'none'; "))
        #expect(policy.contains("connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080;"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(!policy.contains("unsafe"))
        #expect(fixture.respond("HEAD", "/").status == 200)
        #expect(fixture.respond("POST", "/").status == 405)
    }

    @Test func everyInlineBlockCarriesTheResponsesOwnNonce() throws {
        let fixture = try ServiceFixture()
        let first = fixture.respond("GET", "/"), second = fixture.respond("GET", "/")
        let html = String(decoding: first.body, as: UTF8.self)
        let policy = try #require(first.header("Content-Security-Policy"))
        let nonce = try #require(policy.split(separator: "'").first { $0.hasPrefix("nonce-") }).dropFirst("nonce-".count)
        #expect(nonce.count == 32)
        #expect(policy.contains("script-src 'nonce-\(nonce)' blob:; style-src 'nonce-\(nonce)';"))
        #expect(html.components(separatedBy: "<script").count - 1 == 1)
        #expect(html.components(separatedBy: "<style").count - 1 == 1)
        #expect(html.contains("<script nonce=\"\(nonce)\">") && html.contains("<style nonce=\"\(nonce)\">"))
        #expect(!html.contains(Self.placeholder))
        #expect(second.header("Content-Security-Policy") != policy, "a fresh nonce per response")
    }

    @Test func theServedPageIsTheSourceFileAndNeedsNothingElse() throws {
        let fixture = try ServiceFixture()
        let served = String(decoding: fixture.respond("GET", "/").body, as: UTF8.self)
        let onDisk = try String(contentsOf: Self.source, encoding: .utf8)
        let nonce = try #require(served.firstRange(of: "nonce=\"").map { served[$0.upperBound...].prefix(32) })
        #expect(served == onDisk.replacingOccurrences(of: Self.placeholder, with: String(nonce)))
        #expect(onDisk.utf8.count < 40_000, "the page stays one small file (\(onDisk.utf8.count) bytes)")
        // No resource from anywhere but this server: no absolute URLs (the SVG namespace is a name, not
        // a place), no external script, style or font.
        let code = onDisk.replacingOccurrences(of: "\"http://www.w3.org/2000/svg\"", with: "")
        for outside in ["http://", "https://", "//fonts.", " src=", "@import", "url("] {
            #expect(!code.contains(outside), "the page refers to \(outside)")
        }
        // It calls the routes it documents.
        for route in ["/v1/predict?", "/v1/stream?", "\"bearer.\"", "\"ser.v1\"", "pcm_f32le", "{ type: \"stop\" }"] {
            #expect(onDisk.contains(route), "\(route)")
        }
    }

    @Test(arguments: ["evil.example; script-src *", "a b", "x\"y", String(repeating: "a", count: 300)])
    func aHostileHostHeaderStaysOutOfThePolicy(host: String) throws {
        let fixture = try ServiceFixture()
        let policy = try #require(fixture.respond("GET", "/", headers: [("Host", host)]).header("Content-Security-Policy"))
        #expect(policy.contains("connect-src 'self';"))
        #expect(!policy.contains("evil") && !policy.contains("ws://"))
    }
}

