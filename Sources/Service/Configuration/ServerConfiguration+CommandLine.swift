/// What the command line asks for.
public enum ServerInvocation: Sendable {
    case run(ServerConfiguration)
    case help
    case version
    /// Print the README's configuration table (`--settings-table`).
    case settingsTable
}

/// A command line or environment value that cannot be used; `description` names where it came from.
public struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

extension ServerConfiguration {
    /// Reads `arguments` (without the program name: `--name value`, `--name=value`, `--help`,
    /// `--version`) over the environment's `SER_*` variables over the defaults; flags win.
    public static func parse(arguments: [String], environment: [String: String], cores: Int) throws(ServerConfigurationError) -> ServerInvocation {
        var configuration = ServerConfiguration(cores: cores)
        let byName = Dictionary(uniqueKeysWithValues: ServerSetting.all.map { ($0.name, $0) })
        for setting in ServerSetting.all {
            guard let text = environment[setting.environmentVariable], !text.isEmpty else { continue }
            if let rule = setting.apply(text, to: &configuration) {
                throw ServerConfigurationError(description: "\(setting.environmentVariable)=\(text) is invalid: \(rule)")
            }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" { return .help }
            if argument == "--version" { return .version }
            if argument == "--settings-table" { return .settingsTable }
            guard argument.hasPrefix("--") else { throw ServerConfigurationError(description: "unexpected argument '\(argument)' (see --help)") }
            let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let setting = byName[String(parts[0])] else {
                throw ServerConfigurationError(description: "unknown option '--\(parts[0])' (see --help)")
            }
            let value: String
            if parts.count == 2 {
                value = String(parts[1])
            } else {
                guard index < arguments.count else { throw ServerConfigurationError(description: "\(setting.flag) needs a value (\(setting.valueName))") }
                value = arguments[index]
                index += 1
            }
            if let rule = setting.apply(value, to: &configuration) {
                throw ServerConfigurationError(description: "\(setting.flag) \(value): \(rule)")
            }
        }
        return .run(configuration)
    }

    /// `ser-server --help`: usage, then every setting with its variable and default.
    public static func helpText(discussion: String) -> String {
        var lines = ["USAGE: ser-server [--<option> <value>] ...", "", discussion, "", "OPTIONS:"]
        for setting in ServerSetting.all {
            lines.append("  \(setting.flag) <\(setting.valueName)>")
            lines.append("        \(setting.help) [\(setting.environmentVariable), default: \(setting.defaultText)]")
        }
        lines.append("  -h, --help              Show this help.")
        lines.append("  --version               Show the version.")
        return lines.joined(separator: "\n")
    }

    /// The README's configuration table: one row per setting.
    public static func markdownTable() -> String {
        var lines = ["| Flag | Variable | Default | Meaning |", "|---|---|---|---|"]
        for setting in ServerSetting.all {
            lines.append("| `\(setting.flag)` | `\(setting.environmentVariable)` | \(setting.defaultText) | \(setting.help) |")
        }
        return lines.joined(separator: "\n")
    }
}
