import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Resolves a setting from its flag, else its environment variable, else its default, so every flag
/// has a matching `SER_*` variable (what containers and Kubernetes ConfigMaps set). An invalid value
/// stops start-up with a message naming where it came from.
enum Setting {
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    static func resolve<T: LosslessStringConvertible>(_ flag: T?, env: String, default value: T,
                                                       valid: (T) -> Bool = { _ in true }, rule: String = "") throws -> T {
        if let flag {
            guard valid(flag) else { throw ValidationError("--\(optionName(env)) \(flag): \(rule)") }
            return flag
        }
        if let text = environment(env) {
            guard let parsed = T(text), valid(parsed) else {
                throw ValidationError("\(env)=\(text) is invalid\(rule.isEmpty ? "" : ": \(rule)")")
            }
            return parsed
        }
        return value
    }

    /// "SER_MAX_BODY_BYTES" -> "max-body-bytes", for messages.
    private static func optionName(_ env: String) -> String {
        env.dropFirst(4).lowercased().replacingUnderscores()
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
extension Substring {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
