import ArgumentParser

/// `ser-train`: the offline companion of ser-server (training, evaluation, feature export), built on
/// the same decoding, feature and model code the server runs.
@main
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ser-train",
        abstract: "Offline companion of ser-server: inspect audio, export features, train and evaluate models.",
        subcommands: [InspectCommand.self, FeaturesCommand.self, EvaluateCommand.self, TrainModelCommand.self, ExportCommand.self])
}
