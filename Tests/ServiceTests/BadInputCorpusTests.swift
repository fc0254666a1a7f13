import AudioDecoding
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The bad-input corpus (`BadInputs/manifest.json`): every malformed or hostile request goes to a live
/// `ser-server` over a raw socket, gets the documented status and JSON error code (or, where
/// libmicrohttpd answers before the service sees the request, a clean 4xx or a closed connection),
/// and the server keeps serving: a health check after every case, valid predictions in between and
/// at the end, never a 5xx, and the process still running.
@Suite("Bad-input corpus against a live server", .serialized)
struct BadInputCorpusTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadInputs")

    struct Manifest: Decodable {
        var serverArguments: [String]
        var cases: [Case]
        enum CodingKeys: String, CodingKey { case serverArguments = "server_arguments", cases }
    }

    struct Source: Decodable {
        var text: String?
        var file: String?
        var generator: String?
    }

    struct Expectation: Decodable {
        var status: Int?
        var code: String?
        var codes: [String]?
        var transport: Bool?
        var statuses: [Int]?
        var allowNoResponse: Bool?
        enum CodingKeys: String, CodingKey { case status, code, codes, transport, statuses, allowNoResponse = "allow_no_response" }
    }

    struct Case: Decodable, CustomStringConvertible {
        var name: String
        var why: String
        var method: String?
        var target: String?
        var headers: [[String]]?
        var body: Source?
        var raw: Source?
        var expect: Expectation
        var description: String { "\(name) (\(why))" }
    }

    struct CorpusError: Error, CustomStringConvertible { var description: String }

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }

    static func bytes(_ source: Source) throws -> [UInt8] {
        if let text = source.text { return Array(text.utf8) }
        if let file = source.file { return try [UInt8](Data(contentsOf: directory.appendingPathComponent(file))) }
        guard let name = source.generator, let generator = generators[name] else {
            throw CorpusError(description: "no generator '\(source.generator ?? "nil")'")
        }
        return try generator()
    }

    /// The request bytes of a case.
    static func request(_ c: Case) throws -> [UInt8] {
        if let raw = c.raw { return try bytes(raw) }
        let headers = (c.headers ?? []).map { ($0[0], $0[1]) }
        return RawHTTP.request(c.method ?? "GET", c.target ?? "/", headers: headers, body: try c.body.map(bytes))
    }

    @Test func theCorpusHasAtLeastFiftyCasesAndEveryInputBuilds() throws {
        let manifest = try Self.manifest()
        #expect(manifest.cases.count >= 50)
        #expect(Set(manifest.cases.map(\.name)).count == manifest.cases.count, "case names must be unique")
        for c in manifest.cases { _ = try Self.request(c) }
    }

    @Test func everyBadInputGetsItsDocumentedAnswerAndTheServerKeepsServing() async throws {
        let manifest = try Self.manifest()
        let models = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: models) }
        try TinyModel.write(to: models, name: "tiny", version: 1)
        let server = try ServerProcess.start(arguments: ["--host", "127.0.0.1", "--port", "0", "--models", models.path,
                                                         "--admin-key", "corpus-admin-key"] + manifest.serverArguments)
        defer { server.terminate() }
        let port = server.port
        let valid = RawHTTP.request("POST", "/v1/predict", headers: [("Content-Type", "audio/wav")], body: try Self.generators["wav_speech"]!())
        #expect(try RawHTTP.exchange(port: port, valid).status == 200)

        var outcomes: [String] = []
        for (index, c) in manifest.cases.enumerated() {
            let response = try RawHTTP.exchange(port: port, try Self.request(c), timeout: 30)
            outcomes.append("\(c.name): \(response.status.map(String.init) ?? "closed") \(response.errorCode ?? "")")
            if c.expect.transport == true {
                // libmicrohttpd refuses these before the service runs: its own 4xx (HTML, not our JSON)
                // or a closed connection.
                if let status = response.status {
                    #expect(c.expect.statuses?.contains(status) == true, "\(c): \(response)")
                } else {
                    #expect(c.expect.allowNoResponse == true, "\(c): no response")
                }
            } else {
                #expect((response.status ?? 500) < 500, "\(c): \(response)")
                #expect(response.status == c.expect.status, "\(c): \(response)")
                #expect(!response.incomplete, "\(c): incomplete response")
                if let code = c.expect.code { #expect(response.errorCode == code, "\(c): \(response)") }
                if let codes = c.expect.codes { #expect(codes.contains(response.errorCode ?? "-"), "\(c): \(response)") }
                if (c.expect.status ?? 0) >= 400 {
                    #expect(response.header("Content-Type")?.hasPrefix("application/json") == true, "\(c)")
                }
            }
            // Still serving after every case; a full prediction every 10 cases.
            #expect(server.process.isRunning, "the server died after \(c)")
            let health = try RawHTTP.exchange(port: port, RawHTTP.request("GET", "/healthz"), timeout: 10)
            #expect(health.status == 200, "after \(c): \(health)")
            if index % 10 == 9 {
                #expect(try RawHTTP.exchange(port: port, valid).status == 200, "prediction after \(c)")
            }
        }
        #expect(try RawHTTP.exchange(port: port, valid).status == 200)
        #expect(server.process.isRunning)
        #expect(server.stop(signal: SIGTERM) == 0)
        print("bad-input corpus: \(manifest.cases.count) cases\n  " + outcomes.joined(separator: "\n  "))
    }

    // MARK: Generators for binary inputs

    static func wav(_ configure: (inout WAVBuilder) -> Void) -> [UInt8] {
        var wav = WAVBuilder()
        wav.sampleRate = 8000
        wav.data = WAVBuilder.pcm16(Signals.speechLike(seconds: 1, sampleRate: 8000))
        configure(&wav)
        return wav.bytes
    }

    static func be32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian, Array.init) }

    /// Sun AU: magic, data offset, data size, encoding (3 = 16-bit PCM), rate, channels; all 32-bit big-endian.
    static func au(rate: UInt32, channels: UInt32) -> [UInt8] {
        Array(".snd".utf8) + be32(24) + be32(1600) + be32(3) + be32(rate) + be32(channels) + [UInt8](repeating: 1, count: 1600)
    }

    static func multipart(boundary: String = "xyz", _ parts: [(headers: String, body: [UInt8])], close: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            out += Array("--\(boundary)\r\n\(part.headers)\r\n\r\n".utf8) + part.body + Array("\r\n".utf8)
        }
        if close { out += Array("--\(boundary)--\r\n".utf8) }
        return out
    }

    static let fileHeaders = "Content-Disposition: form-data; name=\"file\"; filename=\"call.wav\"\r\nContent-Type: audio/wav"

    static func chunked(_ body: [UInt8], head: String = "POST /v1/predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: audio/wav\r\nTransfer-Encoding: chunked\r\n\r\n") -> [UInt8] {
        Array(head.utf8) + body
    }

    nonisolated(unsafe) static let generators: [String: () throws -> [UInt8]] = [
        "wav_speech": { try AudioEncoder().encode([Signals.speechLike(seconds: 2, sampleRate: 8000)], sampleRate: 8000, format: .wavMuLaw) },
        "nul_4k": { [UInt8](repeating: 0, count: 4096) },
        "random_4k": { var r = SeededRandom(seed: 8); return (0..<4096).map { _ in UInt8(truncatingIfNeeded: r.next()) } },
        "wav_header_30_bytes": { Array(wav { _ in }.prefix(30)) },
        "wav_lying_data_chunk": { wav { $0.declaredDataSize = UInt32($0.data.count * 2) } },
        "wav_huge_fmt_chunk": { var b = wav { _ in }; b.replaceSubrange(16..<20, with: [0xF0, 0xFF, 0xFF, 0xFF]); return b },
        "wav_rate_0": { wav { $0.sampleRate = 0 } },
        "wav_rate_1": { wav { $0.sampleRate = 1 } },
        "wav_rate_1e9": { wav { $0.sampleRate = 1_000_000_000 } },
        "wav_channels_0": { wav { $0.channels = 0 } },
        "wav_channels_65535": { wav { $0.channels = 65535; $0.data = [UInt8](repeating: 0, count: 65535 * 2 * 4) } },
        "wav_channels_9": { wav { $0.channels = 9; $0.data = WAVBuilder.pcm16(Signals.speechLike(seconds: 9, sampleRate: 8000)) } },
        "au_channels_1e9": { au(rate: 8000, channels: 1_000_000_000) },
        "au_rate_0": { au(rate: 0, channels: 1) },
        "wav_float_nan": {
            wav { var s = Signals.speechLike(seconds: 1, sampleRate: 8000); s[100] = .nan
                  $0.formatTag = 3; $0.bitsPerSample = 32; $0.data = WAVBuilder.float32(s) }
        },
        "wav_float_inf": {
            wav { var s = Signals.speechLike(seconds: 1, sampleRate: 8000); s[4000] = .infinity
                  $0.formatTag = 3; $0.bitsPerSample = 32; $0.data = WAVBuilder.float32(s) }
        },
        "wav_50ms": { wav { $0.data = WAVBuilder.pcm16(Signals.speechLike(seconds: 0.05, sampleRate: 8000)) } },
        "wav_no_data": { wav { $0.data = [] } },
        "wav_13_bit": { wav { $0.bitsPerSample = 13 } },
        "wav_unknown_codec": { wav { $0.formatTag = 0x1234 } },
        "wav_silence_2s": { wav { $0.data = [UInt8](repeating: 0, count: 32000) } },
        "aiff_truncated": {
            let aiff = try AudioEncoder().encode([Signals.speechLike(seconds: 1, sampleRate: 8000)], sampleRate: 8000, format: .aiff)
            return Array(aiff.prefix(aiff.count / 2))
        },
        "flac_truncated": {
            let flac = try AudioEncoder().encode([Signals.speechLike(seconds: 2, sampleRate: 16000)], sampleRate: 16000, format: .flac)
            return Array(flac.prefix(flac.count / 2))
        },
        "flac_silence_120s": { try AudioEncoder().encode([[Float](repeating: 0, count: 8000 * 120)], sampleRate: 8000, format: .flac) },
        "ogg_garbage": { Array("OggS".utf8) + (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } },
        "ogg_truncated": {
            let ogg = try AudioEncoder().encode([Signals.speechLike(seconds: 1, sampleRate: 16000)], sampleRate: 16000, format: .oggVorbis)
            return Array(ogg.prefix(600))
        },
        "mp3_garbage": { Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 10] + (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 13) } },
        "rf64_huge": {
            // RF64 header: sizes 0xFFFFFFFF in RIFF/data, real sizes in ds64 (here 2^62 bytes of data).
            func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
            func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
            func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
            var b = Array("RF64".utf8) + le32(0xFFFF_FFFF) + Array("WAVE".utf8)
            b += Array("ds64".utf8) + le32(28) + le64(1 << 62) + le64(1 << 62) + le64(1 << 61) + le32(0)
            b += Array("fmt ".utf8) + le32(16) + le16(1) + le16(8) + le32(384_000) + le32(384_000 * 16) + le16(16) + le16(16)
            b += Array("data".utf8) + le32(0xFFFF_FFFF) + [UInt8](repeating: 0, count: 4096)
            return b
        },
        "mp_valid_xyz": { multipart([(fileHeaders, try generators["wav_speech"]!())]) },
        "mp_unterminated": { Array("--xyz\r\n\(fileHeaders)\r\n\r\n".utf8) + (try generators["wav_speech"]!()) },
        "mp_101_parts": { multipart((0..<101).map { ("Content-Disposition: form-data; name=\"f\($0)\"", Array("x".utf8)) }) },
        "mp_huge_part_headers": { multipart([("X-Padding: " + String(repeating: "p", count: 20_000) + "\r\n" + fileHeaders, Array("RIFF".utf8))]) },
        "mp_empty_file": { multipart([(fileHeaders, [])]) },
        "mp_no_file": { multipart([("Content-Disposition: form-data; name=\"a\"", Array("1".utf8)), ("Content-Disposition: form-data; name=\"b\"", Array("2".utf8))]) },
        "mp_text_file": { multipart([(fileHeaders, Array("just some text, not audio".utf8))]) },
        "chunked_over_limit": {
            var body: [UInt8] = []
            let chunk = [UInt8](repeating: 0x55, count: 0x10000)
            for _ in 0..<48 { body += Array("10000\r\n".utf8) + chunk + Array("\r\n".utf8) }   // 3 MB
            return chunked(body + Array("0\r\n\r\n".utf8))
        },
        "chunked_bad_hex": { chunked(Array("zz\r\nhello\r\n0\r\n\r\n".utf8)) },
        "chunked_size_overflow": { chunked(Array("ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n".utf8)) },
        "chunked_lying_size": { chunked(Array("100000\r\n".utf8) + [UInt8](repeating: 0x41, count: 100)) },
        "header_line_1mb": { Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 1 << 20))\r\n\r\n".utf8) },
        "headers_10k": { Array(("GET /healthz HTTP/1.1\r\nHost: x\r\n" + (0..<10_000).map { "X-H\($0): v\r\n" }.joined() + "\r\n").utf8) },
        "url_100k": { Array("GET /healthz?\(String(repeating: "q", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8) },
        "garbage_request_line": { [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x0D, 0x0A, 0x80, 0x81, 0x0D, 0x0A, 0x0D, 0x0A] },
        "header_nul": { Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a".utf8) + [0] + Array("b\r\nConnection: close\r\n\r\n".utf8) },
        "body_short": { Array("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: audio/wav\r\nContent-Length: 100000\r\n\r\n0123456789".utf8) },
    ]
}
