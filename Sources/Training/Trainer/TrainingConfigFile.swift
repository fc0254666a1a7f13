import Foundation

extension TrainingConfig {
    /// Loads a configuration from JSON, or from YAML (`.yaml`/`.yml`, the `SimpleYAML` subset) with the
    /// same keys; absent keys keep their defaults.
    public static func load(contentsOfFile path: String) throws -> TrainingConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainingError.unreadable(path) }
        return try decode(data, yaml: path.hasSuffix(".yaml") || path.hasSuffix(".yml"))
    }

    /// Decodes JSON or YAML text.
    public static func decode(_ data: Data, yaml: Bool) throws -> TrainingConfig {
        let json = yaml ? try JSONSerialization.data(withJSONObject: try SimpleYAML.parse(String(decoding: data, as: UTF8.self))) : data
        return try JSONDecoder().decode(TrainingConfig.self, from: json)
    }
}
