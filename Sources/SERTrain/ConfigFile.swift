import Foundation
import Training

/// Loads a `TrainingConfig` from JSON or from YAML (the block-mapping subset a config needs: nested
/// `key: value` mappings by indentation, `- item` lists, `[a, b]` flow lists, scalars, `#` comments),
/// converted to JSON and decoded with the same keys.
enum ConfigFile {
    static func load(_ path: String) throws -> TrainingConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationErrorMessage("cannot read \(path)")
        }
        let json: Data
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            json = try JSONSerialization.data(withJSONObject: try SimpleYAML.parse(String(decoding: data, as: UTF8.self)))
        } else {
            json = data
        }
        return try JSONDecoder().decode(TrainingConfig.self, from: json)
    }
}

struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
