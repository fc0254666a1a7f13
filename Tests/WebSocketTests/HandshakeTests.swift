import Testing
import WebSocket

/// The server side of the opening handshake (RFC 6455 §4.2.1).
@Suite("Opening handshake")
struct HandshakeTests {
    /// The §1.3 request.
    static let request: [String: String] = [
        "Host": "server.example.com", "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": "http://example.com",
        "Sec-WebSocket-Protocol": "chat, superchat", "Sec-WebSocket-Version": "13",
    ]

    /// Validates `headers` (names looked up case-insensitively, as the caller's lookup must).
    static func validate(_ headers: [String: String], method: String = "GET") throws(WebSocketHandshake.HandshakeError) -> String {
        try WebSocketHandshake.validate(method: method) { name in
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    static func changing(_ name: String, to value: String?) -> [String: String] {
        var headers = request
        headers[name] = value
        return headers
    }

    @Test func theRFCRequestIsAccepted() throws {
        #expect(try Self.validate(Self.request) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(WebSocketHandshake.offeredProtocols(Self.request["Sec-WebSocket-Protocol"]) == ["chat", "superchat"])
    }

    /// What browsers and libraries send: other capitalisation, lists, extra whitespace.
    @Test(arguments: [
        ("Upgrade", "WebSocket"), ("Upgrade", "websocket, h2c"), ("Connection", "keep-alive, Upgrade"),
        ("Connection", "UPGRADE"), ("Connection", " upgrade "), ("Sec-WebSocket-Version", " 13"),
        ("Sec-WebSocket-Key", " dGhlIHNhbXBsZSBub25jZQ== "),
    ])
    func acceptedVariants(name: String, value: String) throws {
        #expect(try Self.validate(Self.changing(name, to: value)) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func lowercaseHeaderNamesAreFound() throws {
        let lowercased = Dictionary(uniqueKeysWithValues: Self.request.map { ($0.key.lowercased(), $0.value) })
        #expect(try Self.validate(lowercased) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test(arguments: ["POST", "HEAD", "get", "PUT"])
    func onlyGETUpgrades(method: String) {
        do {
            _ = try Self.validate(Self.request, method: method)
            Issue.record("\(method) accepted")
        } catch {
            #expect(error.status == 400)
        }
    }

    @Test(arguments: [
        ("Upgrade", nil), ("Upgrade", "h2c"), ("Upgrade", "websocket2"), ("Connection", nil), ("Connection", "keep-alive"),
        ("Connection", "upgrades"), ("Sec-WebSocket-Key", nil), ("Sec-WebSocket-Key", ""),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ"),  // no padding
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25j"),  // 15 bytes
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZXM="),  // 17 bytes
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==dGhl"), ("Sec-WebSocket-Key", "not base64 at all!!!!!!!"),
    ] as [(String, String?)])
    func badRequestsAre400(name: String, value: String?) {
        do {
            let accept = try Self.validate(Self.changing(name, to: value))
            Issue.record("accepted with \(name): \(value ?? "absent") -> \(accept)")
        } catch {
            #expect(error.status == 400, "\(name): \(value ?? "absent")")
        }
    }

    /// Another version (or none) is 426, and the message names the supported one.
    @Test(arguments: ["8", "12", "14", "13, 8", "", nil] as [String?])
    func otherVersionsAre426(version: String?) {
        do {
            _ = try Self.validate(Self.changing("Sec-WebSocket-Version", to: version))
            Issue.record("accepted version \(version ?? "absent")")
        } catch {
            #expect(error.status == 426)
            #expect(error.message.contains("Sec-WebSocket-Version: 13"))
        }
    }

    @Test func offeredProtocols() {
        #expect(WebSocketHandshake.offeredProtocols(nil) == [])
        #expect(WebSocketHandshake.offeredProtocols("") == [])
        #expect(WebSocketHandshake.offeredProtocols("ser.v1") == ["ser.v1"])
        #expect(WebSocketHandshake.offeredProtocols(" a ,, b\t,c ") == ["a", "b", "c"])
    }

    @Test func acceptValueOfAnotherKey() {
        // From Python: base64(sha1(b"x3JJHMbDL1EzLkh9GBhXDw==" + GUID)).
        #expect(WebSocketHandshake.acceptValue(forKey: "x3JJHMbDL1EzLkh9GBhXDw==") == "HSmrc0sMlYUkAGmm5OPpG2HaGWk=")
    }
}
