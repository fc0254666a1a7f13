import HTTPServer

/// `GET /`: the browser page (`Sources/Service/Page/index.html`, embedded in the binary), which uploads
/// a file to `/v1/predict` and streams the microphone to `/v1/stream`. One file with its own inline
/// style and script; the Content-Security-Policy lets only those run (a fresh nonce per response),
/// and lets the page talk to this server alone.
enum PageRoute {
    /// The placeholder in index.html that each response replaces with its nonce.
    static let noncePlaceholder = "__NONCE__"

    /// index.html cut at every placeholder, once.
    static let pieces: [[UInt8]] = split(PackageResources.index_html, at: Array(noncePlaceholder.utf8))

    static func register(in router: inout Router) {
        router.add("GET", "/", access: .open) { context in
            response(nonce: randomNonce(), host: context.request.header("Host"))
        }
    }

    /// The page with `nonce` in place of the placeholders, and the headers that go with it.
    static func response(nonce: String, host: String?) -> HTTPResponse {
        var body: [UInt8] = []
        body.reserveCapacity(pieces.reduce(0) { $0 + $1.count } + pieces.count * nonce.utf8.count)
        for (index, piece) in pieces.enumerated() {
            if index > 0 { body.append(contentsOf: nonce.utf8) }
            body.append(contentsOf: piece)
        }
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", contentSecurityPolicy(nonce: nonce, host: host)),
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ], body: body)
    }

    /// Nothing but the page's own inline style and script (by nonce), the microphone worklet the
    /// script makes from a `blob:` URL, and requests to this server: `'self'` for fetch, and the
    /// WebSocket URLs of the `Host` the page was loaded from (older browsers do not count ws: and
    /// wss: as `'self'`). A `Host` with characters outside a host name or address is left out.
    static func contentSecurityPolicy(nonce: String, host: String?) -> String {
        var connect = "'self'"
        if let host, (1...255).contains(host.utf8.count), host.utf8.allSatisfy(isHostByte) {
            connect += " ws://\(host) wss://\(host)"
        }
        return [
            "default-src 'none'",
            "script-src 'nonce-\(nonce)' blob:",
            "style-src 'nonce-\(nonce)'",
            "connect-src \(connect)",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    /// Letters, digits and `.-:[]` (a name, an IPv4 or bracketed IPv6 address, a port).
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"): true
        default: false
        }
    }

    /// 128 random bits as 32 hex digits (a valid CSP nonce).
    static func randomNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next() as UInt64, generator.next() as UInt64].map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    /// `bytes` cut at each occurrence of `separator` (which is left out).
    static func split(_ bytes: [UInt8], at separator: [UInt8]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0, index = 0
        while index + separator.count <= bytes.count {
            if bytes[index..<index + separator.count].elementsEqual(separator) {
                pieces.append(Array(bytes[start..<index]))
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }
}
