/// A parsed CSV file with a header row (RFC 4180: `,` separators, `"`-quoted fields with `""`
/// escapes, quoted fields may hold commas and newlines; `\r\n` or `\n` line ends).
public struct CSVTable: Sendable, Equatable {
    /// Column names of the header row, trimmed.
    public var header: [String]
    /// Data rows, each with its 1-based line number in the file (for error messages).
    public var rows: [(line: Int, fields: [String])]

    public static func == (a: CSVTable, b: CSVTable) -> Bool {
        a.header == b.header && a.rows.map(\.line) == b.rows.map(\.line) && a.rows.map(\.fields) == b.rows.map(\.fields)
    }

    /// Parses `text`; blank lines are skipped. Throws on an unterminated quote.
    public init(parsing text: String) throws(DatasetError) {
        var records: [(Int, [String])] = []
        var field = "", fields: [String] = []
        var inQuotes = false, fieldWasQuoted = false
        var line = 1, recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(fieldWasQuoted ? field : field.trimmingSpaces())
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) { records.append((recordLine, fields)) }
            fields = []; field = ""; fieldWasQuoted = false
        }
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.trimmingSpaces().isEmpty:
                inQuotes = true; fieldWasQuoted = true; field = ""
            case ",":
                fields.append(fieldWasQuoted ? field : field.trimmingSpaces()); field = ""; fieldWasQuoted = false
            case "\r":
                continue
            case "\n":
                endRecord(); line += 1; recordLine = line
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw .malformedManifest(line: recordLine, reason: "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        guard let first = records.first else { throw .malformedManifest(line: 1, reason: "the file is empty (no header row)") }
        // A UTF-8 byte-order mark would otherwise stick to the first column name.
        header = first.1.map { $0.hasPrefix("\u{FEFF}") ? String($0.dropFirst()) : $0 }
        rows = records.dropFirst().map { (line: $0.0, fields: $0.1) }
    }

    /// Index of the first column named any of `names` (case-insensitive).
    public func column(_ names: String...) -> Int? {
        let lowered = header.map { $0.lowercased() }
        for name in names { if let index = lowered.firstIndex(of: name.lowercased()) { return index } }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
