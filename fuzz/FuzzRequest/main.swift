import AudioDecoding
import Foundation
import FuzzSupport
import HTTPServer
import Logging
import ModelRegistry
import Service
import TestSupport

// Whole requests through the service in memory (routing, auth, query parameters, multipart, decoding,
// inference) against a real tiny model. Input, as text so seeds stay readable:
//
//   METHOD SP PATH[?QUERY] LF
//   (Header-Name: value LF)*
//   LF
//   body bytes
//
// The query is split on '&' and '=' and percent-decoded the way libmicrohttpd hands it over. Every
// answer must be a status the API documents and, for errors, the JSON error shape; 500 is a bug.
let models = TinyModel.temporaryDirectory()
try! TinyModel.write(to: models, name: "tiny", version: 1, seed: 1)
try! TinyModel.write(to: models, name: "tiny", version: 2, seed: 2)
let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
let registry = ModelRegistry(directory: models.path, logger: logger)
var configuration = ServerConfiguration(cores: 2)
configuration.maxDurationSeconds = 20
configuration.adminKey = "fuzz-admin-key"
let application = ServiceApplication(registry: registry, configuration: configuration.service, logger: logger)
application.reloadModels(trigger: "fuzz")
precondition(!registry.readyModelNames.isEmpty, "the tiny model did not load")

func percentDecoded(_ text: Substring) -> String {
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
           let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
            out.append(value); i += 3
        } else {
            out.append(bytes[i]); i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

func request(from bytes: [UInt8]) -> HTTPRequest? {
    guard let lineEnd = bytes.firstIndex(of: 10) else { return nil }
    let line = String(decoding: bytes[..<lineEnd], as: UTF8.self)
    let words = line.split(separator: " ", maxSplits: 1)
    guard words.count == 2 else { return nil }
    let target = words[1]
    let pathEnd = target.firstIndex(of: "?") ?? target.endIndex
    var query: [(name: String, value: String)] = []
    if pathEnd < target.endIndex {
        for pair in target[target.index(after: pathEnd)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            query.append((percentDecoded(kv[0]), kv.count > 1 ? percentDecoded(kv[1]) : ""))
        }
    }
    var headers: [(name: String, value: String)] = []
    var cursor = lineEnd + 1
    while cursor < bytes.count {
        let end = bytes[cursor...].firstIndex(of: 10) ?? bytes.count
        if end == cursor { cursor += 1; break }
        let text = String(decoding: bytes[cursor..<end], as: UTF8.self)
        if let colon = text.firstIndex(of: ":") {
            headers.append((String(text[..<colon]), String(text[text.index(after: colon)...].drop { $0 == " " })))
        }
        cursor = end + 1
    }
    let body = cursor < bytes.count ? Array(bytes[cursor...]) : []
    return HTTPRequest(method: String(words[0]), path: String(target[..<pathEnd]), query: query, headers: headers, body: body)
}

let documented: Set<Int> = [200, 400, 401, 403, 404, 405, 411, 413, 415, 422, 503]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let request = request(from: FuzzDriver.bytes(data, size)) else { return 0 }
    let response = application.respond(to: request)
    precondition(documented.contains(response.status), "undocumented status \(response.status): \(String(decoding: response.body, as: UTF8.self))")
    if response.status >= 400, request.method != "HEAD" {
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        precondition((json?["error"] as? [String: Any])?["code"] is String, "error without the JSON error shape")
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
