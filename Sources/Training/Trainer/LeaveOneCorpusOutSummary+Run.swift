import Foundation

extension LeaveOneCorpusOutSummary {
    /// Reads `<directory>/loco-summary.json`, the output of `ser-train train --loco --output directory`,
    /// after checking that every held-out run in it (`loco-<corpus>/run.json`) trained `config`'s recipe
    /// (`TrainingConfig.recipe`): the table is then what that recipe does on corpora it never saw.
    /// Throws `TrainingError` naming the file or the configuration keys that differ.
    public static func load(fromRun directory: URL, recipeOf config: TrainingConfig) throws -> LeaveOneCorpusOutSummary {
        let file = directory.appendingPathComponent("loco-summary.json")
        guard let data = try? Data(contentsOf: file) else { throw TrainingError.unreadable(file.path) }
        let summary = try JSONDecoder().decode(LeaveOneCorpusOutSummary.self, from: data)
        guard !summary.corpora.isEmpty else {
            throw TrainingError.invalidConfiguration("\(file.path) holds no held-out corpus")
        }
        for corpus in summary.corpora.map(\.corpus) {
            let runFile = directory.appendingPathComponent("loco-\(corpus)").appendingPathComponent("run.json")
            guard let runData = try? Data(contentsOf: runFile) else { throw TrainingError.unreadable(runFile.path) }
            let record = try JSONDecoder().decode(TrainingRun.Record.self, from: runData)
            let differences = try record.config.recipeDifferences(from: config)
            guard differences.isEmpty else {
                throw TrainingError.invalidConfiguration(
                    "the leave-one-corpus-out run \(runFile.path) trained another recipe than this model (keys that differ: \(differences.joined(separator: ", ")))")
            }
        }
        return summary
    }
}
