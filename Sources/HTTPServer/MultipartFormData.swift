/// A `multipart/form-data` body (RFC 7578), as `curl -F file=@call.wav` sends it.
public struct MultipartFormData: Sendable {
    public struct Part: Sendable {
        /// The `name` of the form field.
        public var name: String?
        /// The `filename`, for file fields.
        public var filename: String?
        /// The part's own Content-Type, if given.
        public var contentType: String?
        public var body: ArraySlice<UInt8>
    }

    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case missingBoundary
        case invalidBoundary
        case malformed(String)

        public var description: String {
            switch self {
            case .missingBoundary: "the multipart Content-Type has no boundary parameter"
            case .invalidBoundary: "the multipart boundary must be 1 to 70 characters"
            case .malformed(let detail): "malformed multipart body: \(detail)"
            }
        }
    }

    public var parts: [Part]

    /// Limits against hostile bodies: parts and header bytes per part.
    static let maximumParts = 100
    static let maximumPartHeaderBytes = 16 * 1024

    /// The boundary parameter of a `multipart/form-data; boundary=...` Content-Type.
    public static func boundary(fromContentType contentType: String) throws(ParseError) -> String {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            guard (1...70).contains(value.utf8.count) else { throw .invalidBoundary }
            return value
        }
        throw .missingBoundary
    }

    /// Splits `body` on `boundary`. Parts are slices of `body` (no copies).
    public init(body: [UInt8], boundary: String) throws(ParseError) {
        let delimiter = Array("--\(boundary)".utf8)
        guard let first = Self.find(delimiter, in: body, from: 0) else { throw .malformed("no boundary line found") }
        var parts: [Part] = []
        var cursor = first + delimiter.count
        while true {
            // After a delimiter: "--" ends the body; otherwise CRLF and a part follow.
            if Self.hasPrefix(body, at: cursor, [45, 45]) { break }
            guard Self.hasPrefix(body, at: cursor, [13, 10]) else { throw .malformed("boundary not followed by CRLF") }
            cursor += 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: cursor, limit: Self.maximumPartHeaderBytes) else {
                throw .malformed("part headers not terminated within \(Self.maximumPartHeaderBytes) bytes")
            }
            let headers = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find([13, 10] + delimiter, in: body, from: contentStart) else {
                throw .malformed("part not terminated by the boundary")
            }
            parts.append(Self.part(headers: headers, body: body[contentStart..<next]))
            guard parts.count <= Self.maximumParts else { throw .malformed("more than \(Self.maximumParts) parts") }
            cursor = next + 2 + delimiter.count
        }
        self.parts = parts
    }

    /// The part named `name`, or else the first part that carries a file name, or else the only part.
    public func file(named name: String = "file") -> Part? {
        parts.first { $0.name == name } ?? parts.first { $0.filename != nil } ?? (parts.count == 1 ? parts[0] : nil)
    }

    private static func part(headers: String, body: ArraySlice<UInt8>) -> Part {
        var part = Part(name: nil, filename: nil, contentType: nil, body: body)
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let field = pair[0].trimmingWhitespace.lowercased(), value = pair[1].trimmingWhitespace
            if field == "content-type" { part.contentType = value }
            if field == "content-disposition" {
                for parameter in value.split(separator: ";").dropFirst() {
                    let kv = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace }
                    guard kv.count == 2 else { continue }
                    var v = kv[1]
                    if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
                    if kv[0].lowercased() == "name" { part.name = v }
                    if kv[0].lowercased() == "filename" { part.filename = v }
                }
            }
        }
        return part
    }

    private static func hasPrefix(_ body: [UInt8], at index: Int, _ prefix: [UInt8]) -> Bool {
        index + prefix.count <= body.count && body[index..<(index + prefix.count)].elementsEqual(prefix)
    }

    /// First index of `needle` in `body` at or after `start` (and, with `limit`, within `limit` bytes).
    static func find(_ needle: [UInt8], in body: [UInt8], from start: Int, limit: Int? = nil) -> Int? {
        guard !needle.isEmpty, start >= 0 else { return nil }
        let end = min(body.count, limit.map { start + $0 + needle.count } ?? body.count)
        guard end - start >= needle.count else { return nil }
        let first = needle[0]
        return body.withUnsafeBufferPointer { buffer -> Int? in
            var i = start
            while i <= end - needle.count {
                if buffer[i] == first {
                    var matched = true
                    for j in 1..<needle.count where buffer[i + j] != needle[j] { matched = false; break }
                    if matched { return i }
                }
                i += 1
            }
            return nil
        }
    }
}

extension Substring {
    var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
