/// Why a corpus or manifest could not be read.
public enum DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory or file does not exist or cannot be read.
    case unreadable(path: String)
    /// A manifest lacks a required column.
    case missingColumn(String, manifest: String)
    /// A manifest row or the CSV syntax is wrong.
    case malformedManifest(line: Int, reason: String)
    /// No usable audio file was found.
    case empty(path: String, reason: String)
    /// The label map is inconsistent.
    case invalidLabelMap([String])
    /// A corpus name the readers do not know.
    case unknownCorpus(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        case .missingColumn(let column, let manifest): "\(manifest) has no '\(column)' column (need path,label,speaker)"
        case .malformedManifest(let line, let reason): "manifest line \(line): \(reason)"
        case .empty(let path, let reason): "no usable audio under \(path): \(reason)"
        case .invalidLabelMap(let errors): "invalid label map: " + errors.joined(separator: "; ")
        case .unknownCorpus(let name):
            "unknown corpus '\(name)' (known: \(Corpus.allCases.map(\.rawValue).joined(separator: ", ")), or use a manifest)"
        }
    }
}
