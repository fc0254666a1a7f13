import Logging

/// One setting of `ser-server`: its flag (`--name`), its environment variable (`SER_NAME`), its help,
/// how its default reads, and how a value is checked and applied. `ServerSetting.all` is the one list
/// the command line, `--help` and the README's configuration table come from.
public struct ServerSetting: Sendable {
    /// Flag name without dashes, e.g. "max-body-bytes".
    public let name: String
    /// What the value is, as `--help` shows it after the flag, e.g. "bytes".
    public let valueName: String
    public let help: String
    /// The default as a person reads it, e.g. "67108864 (64 MiB)".
    public let defaultText: String
    let apply: @Sendable (String, inout ServerConfiguration) -> String?

    public var flag: String { "--" + name }
    public var environmentVariable: String { "SER_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 }) }

    /// Checks `text` and stores it in `configuration`; on a bad value, returns the rule it broke.
    func apply(_ text: String, to configuration: inout ServerConfiguration) -> String? {
        apply(text, &configuration)
    }

    init(_ name: String, _ valueName: String, default defaultText: String, _ help: String,
         apply: @escaping @Sendable (String, inout ServerConfiguration) -> String?) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.defaultText = defaultText
        self.apply = apply
    }

    /// An integer setting of at least `minimum` (and at most `maximum`).
    static func integer(_ name: String, _ valueName: String, default defaultText: String, _ help: String, minimum: Int,
                        maximum: Int = Int.max, _ field: any WritableKeyPath<ServerConfiguration, Int> & Sendable) -> ServerSetting {
        ServerSetting(name, valueName, default: defaultText, help) { text, configuration in
            guard let value = Int(text), value >= minimum, value <= maximum else {
                return maximum == Int.max ? "an integer of at least \(minimum)" : "an integer from \(minimum) to \(maximum)"
            }
            configuration[keyPath: field] = value
            return nil
        }
    }

    /// An integer setting whose default is derived (stored as nil until set).
    static func derivedInteger(_ name: String, _ valueName: String, default defaultText: String, _ help: String, minimum: Int,
                               _ field: any WritableKeyPath<ServerConfiguration, Int?> & Sendable) -> ServerSetting {
        ServerSetting(name, valueName, default: defaultText, help) { text, configuration in
            guard let value = Int(text), value >= minimum else { return "an integer of at least \(minimum)" }
            configuration[keyPath: field] = value
            return nil
        }
    }

    /// A positive, finite number of seconds.
    static func seconds(_ name: String, default defaultText: String, _ help: String,
                        _ field: any WritableKeyPath<ServerConfiguration, Double> & Sendable) -> ServerSetting {
        ServerSetting(name, "seconds", default: defaultText, help) { text, configuration in
            guard let value = Double(text), value > 0, value.isFinite else { return "a positive number of seconds" }
            configuration[keyPath: field] = value
            return nil
        }
    }

    /// A free-text setting.
    static func text(_ name: String, _ valueName: String, default defaultText: String, _ help: String,
                     _ store: @escaping @Sendable (String, inout ServerConfiguration) -> Void) -> ServerSetting {
        ServerSetting(name, valueName, default: defaultText, help) { text, configuration in
            store(text, &configuration)
            return nil
        }
    }
}
