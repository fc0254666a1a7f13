import Foundation
import Logging

/// Discovers the audio files of a corpus directory by the corpus's own file naming.
public enum CorpusReader {
    /// Every file under `directory` (recursively) whose name follows `corpus`'s convention, sorted by
    /// path, with labels mapped through `labelMap`. Files that do not parse are skipped (counted in a
    /// log line); dropped labels are kept with `mappedLabel == nil` (see `Array.labelled`).
    ///
    /// For CREMA-D, speaker genders come from `VideoDemographics.csv` (columns `ActorID`, `Sex`) when
    /// it is in `directory` or its parent.
    public static func read(_ corpus: Corpus, directory: URL, labelMap: LabelMap = .callCentre,
                            logger: Logger? = nil) throws(DatasetError) -> [Utterance] {
        let root = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unreadable(path: root.path)
        }
        let files = audioFiles(under: root)
        let genders = corpus == .cremad ? cremadGenders(near: root) : [:]
        var utterances: [Utterance] = []
        var skipped = 0
        for relative in files {
            guard let name = corpus.parse(relativePath: relative) else { skipped += 1; continue }
            utterances.append(Utterance(
                path: root.appendingPathComponent(relative).path, corpus: corpus.rawValue, originalLabel: name.label,
                mappedLabel: labelMap.modelLabel(for: name.label, corpus: corpus.rawValue), speaker: name.speaker,
                gender: name.gender ?? genders[name.speaker]))
        }
        guard !utterances.isEmpty else {
            throw .empty(path: root.path, reason: "\(files.count) audio files, none named like \(corpus.rawValue)")
        }
        logger?.info("corpus read", metadata: [
            "corpus": "\(corpus.rawValue)", "files": "\(utterances.count)", "skipped": "\(skipped)",
            "speakers": "\(utterances.speakers.count)", "dropped_labels": "\(utterances.count - utterances.labelled.count)",
        ])
        return utterances
    }

    /// Paths (relative to `root`, `/`-separated, sorted) of every file below `root` with one of
    /// `Corpus.audioExtensions` (`.wav`, `.flac`, `.opus`, `.ogg`).
    static func audioFiles(under root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let ext = (relative as NSString).pathExtension.lowercased()
            if Corpus.audioExtensions.contains(ext) { found.append(relative) }
        }
        return found.sorted()
    }

    /// CREMA-D speaker → gender from `VideoDemographics.csv` beside or above the audio.
    static func cremadGenders(near root: URL) -> [String: String] {
        for candidate in [root, root.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("VideoDemographics.csv")
            guard let text = try? String(contentsOf: url, encoding: .utf8),
                  let table = try? CSVTable(parsing: text),
                  let idColumn = table.column("ActorID"), let sexColumn = table.column("Sex") else { continue }
            var genders: [String: String] = [:]
            for row in table.rows where row.fields.count > max(idColumn, sexColumn) {
                genders["cremad_\(row.fields[idColumn])"] = row.fields[sexColumn].lowercased()
            }
            return genders
        }
        return [:]
    }
}
