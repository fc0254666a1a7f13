import Foundation

extension TrainingConfig {
    /// The configuration with every key that does not change how a model is trained set to its
    /// default: name, version, folds, the robustness table, the held-out corpus, threads and prefetch.
    /// Two configurations with the same recipe train the same model from the same data, so a leave-one-
    /// corpus-out run (`folds` 0, no robustness table) describes the default model's recipe.
    public var recipe: TrainingConfig {
        var recipe = self
        let defaults = TrainingConfig()
        recipe.name = defaults.name
        recipe.version = defaults.version
        recipe.folds = defaults.folds
        recipe.robustnessConditions = defaults.robustnessConditions
        recipe.robustnessFraction = defaults.robustnessFraction
        recipe.heldOutCorpus = defaults.heldOutCorpus
        recipe.blasThreads = defaults.blasThreads
        recipe.featureThreads = defaults.featureThreads
        recipe.prefetchBatches = defaults.prefetchBatches
        return recipe
    }

    /// The configuration keys (as in the JSON file) whose values differ between the recipes of `self`
    /// and `other`, sorted; empty when they train the same model.
    public func recipeDifferences(from other: TrainingConfig) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        /// Each top-level key's value as canonical JSON text (sorted keys), so nested values compare too.
        func values(_ config: TrainingConfig) throws -> [String: Data] {
            let object = try JSONSerialization.jsonObject(with: try encoder.encode(config.recipe)) as? [String: Any] ?? [:]
            return try object.mapValues { try JSONSerialization.data(withJSONObject: [$0], options: .sortedKeys) }
        }
        let (mine, theirs) = (try values(self), try values(other))
        return Set(mine.keys).union(theirs.keys).filter { mine[$0] != theirs[$0] }.sorted()
    }
}
