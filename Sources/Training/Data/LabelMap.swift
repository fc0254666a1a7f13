import Foundation

/// How corpus labels become model labels: a Codable configuration (JSON) so a team can train on its
/// own label set without code changes.
///
/// Resolution of a corpus label `l` (compared lower-cased) of corpus `c`:
/// 1. `corpusOverrides[c][l]` if present (the empty string there means "drop");
/// 2. dropped if `l` is in `drop`;
/// 3. `map[l]` if present;
/// 4. `l` itself if it is one of `labels`;
/// 5. otherwise dropped (an unknown label never silently becomes a class).
public struct LabelMap: Codable, Sendable, Equatable {
    /// Model labels in the network's output order.
    public var labels: [String]
    /// Corpus label → model label, for every corpus (e.g. `"fearful": "fear"`).
    public var map: [String: String]
    /// Corpus labels left out of training and evaluation (e.g. `boredom`).
    public var drop: [String]
    /// Per-corpus exceptions: corpus → corpus label → model label, `""` to drop.
    public var corpusOverrides: [String: [String: String]]

    public init(labels: [String], map: [String: String] = [:], drop: [String] = [],
                corpusOverrides: [String: [String: String]] = [:]) {
        self.labels = labels
        self.map = Dictionary(map.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.drop = drop.map { $0.lowercased() }
        self.corpusOverrides = corpusOverrides.mapValues {
            Dictionary($0.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// The call-centre label set `angry, disgust, fear, happy, neutral, sad, surprise`, mapping every
    /// supported corpus onto it: RAVDESS calm → neutral, fearful → fear, surprised → surprise; EMO-DB
    /// anger → angry, happiness → happy, sadness → sad, boredom dropped; TESS ps (pleasant surprise)
    /// → surprise; CREMA-D and SAVEE names likewise.
    public static let callCentre = LabelMap(
        labels: ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"],
        map: [
            "anger": "angry", "calm": "neutral", "fearful": "fear", "surprised": "surprise",
            "happiness": "happy", "sadness": "sad", "ps": "surprise", "pleasant_surprise": "surprise",
            "disgusted": "disgust",
        ],
        drop: ["boredom"])

    /// The model label for corpus label `label` of `corpus`, or nil when it is dropped.
    public func modelLabel(for label: String, corpus: String) -> String? {
        let key = label.lowercased()
        if let override = corpusOverrides[corpus.lowercased()]?[key] {
            return override.isEmpty ? nil : override
        }
        if drop.contains(key) { return nil }
        if let mapped = map[key] { return mapped }
        return labels.contains(key) ? key : (labels.contains(label) ? label : nil)
    }

    /// Index of `label` in `labels`.
    public func index(of label: String) -> Int? { labels.firstIndex(of: label) }

    /// Problems that make the map unusable: duplicate labels, or targets that are not model labels.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        if labels.isEmpty { errors.append("the label map has no labels") }
        if Set(labels).count != labels.count { errors.append("duplicate labels in \(labels)") }
        for (from, to) in map.sorted(by: { $0.key < $1.key }) where !labels.contains(to) {
            errors.append("map: '\(from)' → '\(to)', which is not one of the labels \(labels)")
        }
        for (corpus, overrides) in corpusOverrides.sorted(by: { $0.key < $1.key }) {
            for (from, to) in overrides.sorted(by: { $0.key < $1.key }) where !to.isEmpty && !labels.contains(to) {
                errors.append("corpusOverrides[\(corpus)]: '\(from)' → '\(to)', which is not one of the labels")
            }
        }
        return errors
    }

    /// Reads a label map from JSON (`{"labels": [...], "map": {...}, "drop": [...], "corpusOverrides": {...}}`;
    /// every key but `labels` may be omitted).
    public static func load(contentsOf url: URL) throws -> LabelMap {
        try JSONDecoder().decode(LabelMap.self, from: Data(contentsOf: url))
    }

    enum CodingKeys: String, CodingKey { case labels, map, drop, corpusOverrides }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(labels: try c.decode([String].self, forKey: .labels),
                  map: try c.decodeIfPresent([String: String].self, forKey: .map) ?? [:],
                  drop: try c.decodeIfPresent([String].self, forKey: .drop) ?? [],
                  corpusOverrides: try c.decodeIfPresent([String: [String: String]].self, forKey: .corpusOverrides) ?? [:])
    }
}
