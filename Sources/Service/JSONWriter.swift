import HTTPServer

/// Builds JSON text directly (no intermediate dictionaries): responses are written in the order the
/// API documents, with numbers rounded to what is meaningful.
struct JSONWriter {
    private(set) var text = ""
    private var needsComma: [Bool] = [false]

    init() { text.reserveCapacity(1024) }

    mutating func beginObject() { value(raw: "{"); needsComma.append(false) }
    mutating func endObject() { needsComma.removeLast(); text += "}" }
    mutating func beginArray() { value(raw: "["); needsComma.append(false) }
    mutating func endArray() { needsComma.removeLast(); text += "]" }

    mutating func key(_ name: String) {
        separator()
        text += JSONString.quote(name) + ":"
        needsComma[needsComma.count - 1] = false
        pendingKey = true
    }

    mutating func string(_ value: String?) { self.value(raw: value.map(JSONString.quote) ?? "null") }
    mutating func bool(_ value: Bool) { self.value(raw: value ? "true" : "false") }
    mutating func int(_ value: Int) { self.value(raw: String(value)) }
    /// A number rounded to `digits` decimals (JSON has no NaN/Infinity: those become null).
    mutating func number(_ value: Double?, digits: Int = 6) {
        guard let value, value.isFinite else { self.value(raw: "null"); return }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        self.value(raw: rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded))
    }
    mutating func null() { value(raw: "null") }
    /// Already-serialised JSON (e.g. from JSONEncoder).
    mutating func raw(_ json: String) { value(raw: json) }

    private var pendingKey = false

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { text += "," }
    }

    private mutating func value(raw: String) {
        if pendingKey { pendingKey = false } else { separator() }
        text += raw
        needsComma[needsComma.count - 1] = true
    }

    var bytes: [UInt8] { Array(text.utf8) }
}
