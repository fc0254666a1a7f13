import Foundation

/// A small YAML subset reader for configuration files: block mappings and sequences by indentation,
/// flow sequences `[a, b]` and mappings `{k: v}` of scalars, plain/quoted scalars (numbers, booleans,
/// null, strings) and `#` comments. Anchors, multi-line strings and tags are not supported.
public enum SimpleYAML {
    struct Line { var indent: Int; var text: String }

    public static func parse(_ text: String) throws -> Any {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { raw -> Line? in
            let stripped = stripComment(String(raw))
            guard !stripped.trimmingCharacters(in: .whitespaces).isEmpty, stripped != "---" else { return nil }
            let indent = stripped.prefix { $0 == " " }.count
            return Line(indent: indent, text: stripped.trimmingCharacters(in: .whitespaces))
        }
        var position = 0
        return try block(lines, &position, indent: lines.first?.indent ?? 0)
    }

    private static func block(_ lines: [Line], _ i: inout Int, indent: Int) throws -> Any {
        guard i < lines.count else { return NSNull() }
        if lines[i].text.hasPrefix("- ") || lines[i].text == "-" {
            var items: [Any] = []
            while i < lines.count, lines[i].indent == indent, lines[i].text.hasPrefix("-") {
                let rest = String(lines[i].text.dropFirst()).trimmingCharacters(in: .whitespaces)
                if rest.isEmpty {
                    i += 1
                    items.append(try block(lines, &i, indent: i < lines.count ? lines[i].indent : indent + 2))
                } else if let colon = keyColon(rest) {
                    // "- key: value" starts a mapping whose other keys are indented past the dash.
                    var mappingLines = [Line(indent: indent + 2, text: rest)]
                    _ = colon
                    i += 1
                    while i < lines.count, lines[i].indent > indent { mappingLines.append(lines[i]); i += 1 }
                    var j = 0
                    items.append(try block(mappingLines, &j, indent: indent + 2))
                } else {
                    items.append(scalar(rest))
                    i += 1
                }
            }
            return items
        }
        var mapping: [String: Any] = [:]
        while i < lines.count, lines[i].indent == indent {
            let line = lines[i].text
            guard let colon = keyColon(line) else { throw TrainingError.invalidConfiguration("YAML: expected `key: value`, got `\(line)`") }
            let key = unquote(String(line[..<colon]).trimmingCharacters(in: .whitespaces))
            let rest = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            i += 1
            if rest.isEmpty {
                if i < lines.count, lines[i].indent > indent || (lines[i].indent == indent && lines[i].text.hasPrefix("- ")) {
                    mapping[key] = try block(lines, &i, indent: lines[i].indent)
                } else {
                    mapping[key] = NSNull()
                }
            } else {
                mapping[key] = scalar(rest)
            }
        }
        return mapping
    }

    /// Index of the `:` ending a mapping key (followed by space or end), outside quotes.
    private static func keyColon(_ text: String) -> String.Index? {
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if let q = quote { if c == q { quote = nil } }
            else if c == "\"" || c == "'" { quote = c }
            else if c == ":" {
                let next = text.index(after: index)
                if next == text.endIndex || text[next] == " " { return index }
            } else if c == "[" || c == "{" { return nil }
            index = text.index(after: index)
        }
        return nil
    }

    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for (offset, c) in line.enumerated() {
            if let q = quote { if c == q { quote = nil } }
            else if c == "\"" || c == "'" { quote = c }
            else if c == "#" && previous == " " { return String(line.prefix(offset)).replacingOccurrences(of: "\t", with: " ") }
            previous = c
        }
        return line
    }

    private static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    static func scalar(_ text: String) -> Any {
        if text.hasPrefix("[") && text.hasSuffix("]") {
            let inner = text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            return inner.isEmpty ? [] : splitFlow(inner).map { scalar($0) }
        }
        if text.hasPrefix("{") && text.hasSuffix("}") {
            var result: [String: Any] = [:]
            for entry in splitFlow(String(text.dropFirst().dropLast())) {
                guard let colon = keyColon(entry) else { continue }
                result[unquote(String(entry[..<colon]).trimmingCharacters(in: .whitespaces))] =
                    scalar(String(entry[entry.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
            return result
        }
        if let first = text.first, first == "\"" || first == "'" { return unquote(text) }
        switch text {
        case "true", "True", "yes": return true
        case "false", "False", "no": return false
        case "null", "~", "Null": return NSNull()
        default: break
        }
        if let integer = Int(text) { return integer }
        if let double = Double(text) { return double }
        return text
    }

    /// Splits a flow collection's inside at top-level commas.
    private static func splitFlow(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        var quote: Character?
        for c in text {
            if let q = quote { if c == q { quote = nil } }
            else if c == "\"" || c == "'" { quote = c }
            else if c == "[" || c == "{" { depth += 1 }
            else if c == "]" || c == "}" { depth -= 1 }
            else if c == "," && depth == 0 { parts.append(current.trimmingCharacters(in: .whitespaces)); current = ""; continue }
            current.append(c)
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(current.trimmingCharacters(in: .whitespaces)) }
        return parts
    }
}
