import HTTPServer
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler that writes one line per event to standard output, as JSON lines (for log
/// pipelines) or logfmt (for people and grep). Only the executables install it; libraries just log.
///
/// Never pass audio or API keys as metadata: handlers write what they are given.
public struct StructuredLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case json
        case logfmt
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public let label: String
    public let format: Format

    public init(label: String, format: Format, level: Logger.Level = .info) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.render(format: format, timestamp: Self.timestamp(), level: event.level, message: "\(event.message)",
                               label: label, metadata: merged)
        // One write(2) per line under a lock: lines from concurrent requests never interleave.
        var bytes = Array(line.utf8)
        outputLock.withLock { _ in
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { if errno == EINTR { continue } else { return } }
                    offset += written
                }
            }
        }
    }

    /// One rendered line, ending in a newline. Keys are sorted so lines are stable.
    static func render(format: Format, timestamp: String, level: Logger.Level, message: String, label: String,
                       metadata: Logger.Metadata) -> String {
        let pairs = metadata.sorted { $0.key < $1.key }.map { ($0.key, flatten($0.value)) }
        switch format {
        case .json:
            var fields = ["\"ts\":\(JSONString.quote(timestamp))", "\"level\":\(JSONString.quote(level.rawValue))",
                          "\"logger\":\(JSONString.quote(label))", "\"msg\":\(JSONString.quote(message))"]
            fields += pairs.map { "\(JSONString.quote($0.0)):\(jsonValue($0.1))" }
            return "{" + fields.joined(separator: ",") + "}\n"
        case .logfmt:
            var fields = ["ts=\(timestamp)", "level=\(level.rawValue)", "logger=\(logfmtValue(label))", "msg=\(logfmtValue(message))"]
            fields += pairs.map { "\($0.0)=\(logfmtValue($0.1))" }
            return fields.joined(separator: " ") + "\n"
        }
    }

    private static func flatten(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let items): "[" + items.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let d): "{" + d.sorted { $0.key < $1.key }.map { "\($0.key)=\(flatten($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// Numbers and booleans stay unquoted in JSON so log pipelines can aggregate them.
    private static func jsonValue(_ text: String) -> String {
        if text == "true" || text == "false" { return text }
        if let number = Double(text), number.isFinite, !text.hasPrefix("+"), !text.hasPrefix("."), text.first != "0" || text == "0" || text.hasPrefix("0.") {
            return text
        }
        return JSONString.quote(text)
    }

    private static func logfmtValue(_ text: String) -> String {
        text.isEmpty || text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) ? JSONString.quote(text) : text
    }

    /// UTC time as RFC 3339 with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}

private let outputLock = Mutex(())
