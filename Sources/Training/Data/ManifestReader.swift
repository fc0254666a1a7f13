import Foundation
import Logging

/// Reads a `manifest.csv` of labelled audio: the way to train or evaluate on one's own recordings.
///
/// The header decides the columns (any order, case-insensitive): `path`, `label` and `speaker` are
/// required; `corpus`, `gender` and `duration_s` (or `duration`) are optional, and any other column
/// is ignored (so the shared data's `path,corpus,label,speaker,gender,duration_s` works as is).
/// Relative paths are resolved against the manifest's directory.
///
/// Speakers are namespaced by corpus: a speaker `03` of corpus `emodb` becomes `emodb_03`, while an
/// already prefixed `emodb_03` stays as it is. Rows without a corpus column get `defaultCorpus`.
public enum ManifestReader {
    public static func read(contentsOf url: URL, labelMap: LabelMap = .callCentre, defaultCorpus: String = "custom",
                            logger: Logger? = nil) throws(DatasetError) -> [Utterance] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .unreadable(path: url.path) }
        let text = String(decoding: data, as: UTF8.self)
        return try parse(text, baseDirectory: url.deletingLastPathComponent(), name: url.lastPathComponent,
                         labelMap: labelMap, defaultCorpus: defaultCorpus, logger: logger)
    }

    /// Parses manifest `text`; relative paths are resolved against `baseDirectory`.
    public static func parse(_ text: String, baseDirectory: URL, name: String = "manifest.csv", labelMap: LabelMap = .callCentre,
                             defaultCorpus: String = "custom", logger: Logger? = nil) throws(DatasetError) -> [Utterance] {
        let table = try CSVTable(parsing: text)
        guard let pathColumn = table.column("path", "file", "filename") else { throw .missingColumn("path", manifest: name) }
        guard let labelColumn = table.column("label", "emotion") else { throw .missingColumn("label", manifest: name) }
        guard let speakerColumn = table.column("speaker", "speaker_id") else { throw .missingColumn("speaker", manifest: name) }
        let corpusColumn = table.column("corpus")
        let genderColumn = table.column("gender", "sex")
        let durationColumn = table.column("duration_s", "duration")

        var utterances: [Utterance] = []
        for (line, fields) in table.rows {
            func field(_ column: Int?) -> String? {
                guard let column, column < fields.count, !fields[column].isEmpty else { return nil }
                return fields[column]
            }
            guard let path = field(pathColumn) else { throw .malformedManifest(line: line, reason: "empty path") }
            guard let label = field(labelColumn) else { throw .malformedManifest(line: line, reason: "empty label for \(path)") }
            guard let speaker = field(speakerColumn) else { throw .malformedManifest(line: line, reason: "empty speaker for \(path)") }
            let corpus = (field(corpusColumn) ?? defaultCorpus).lowercased()
            var duration: Double?
            if let text = field(durationColumn) {
                guard let value = Double(text), value >= 0 else {
                    throw .malformedManifest(line: line, reason: "duration '\(text)' is not a non-negative number")
                }
                duration = value
            }
            let resolved = path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path)
            utterances.append(Utterance(
                path: resolved.standardizedFileURL.path, corpus: corpus, originalLabel: label,
                mappedLabel: labelMap.modelLabel(for: label, corpus: corpus),
                speaker: speaker.hasPrefix(corpus + "_") ? speaker : "\(corpus)_\(speaker)",
                gender: field(genderColumn)?.lowercased(), durationSeconds: duration))
        }
        guard !utterances.isEmpty else { throw .empty(path: name, reason: "the manifest has no rows") }
        logger?.info("manifest read", metadata: [
            "manifest": "\(name)", "files": "\(utterances.count)", "speakers": "\(utterances.speakers.count)",
            "dropped_labels": "\(utterances.count - utterances.labelled.count)",
        ])
        return utterances
    }
}
