import ArgumentParser
import LinearAlgebra

/// `ser-train`: the offline companion of ser-server (training, evaluation, feature export), built on
/// the same decoding, feature and model code the server runs.
@main
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ser-train",
        abstract: "Offline companion of ser-server: inspect audio, export features, train and evaluate models.",
        subcommands: [InspectCommand.self, FeaturesCommand.self, EvaluateCommand.self, TrainModelCommand.self, ExportCommand.self])

    /// FFT plans are chosen without timing (FFTW_ESTIMATE) before anything is planned, so the same
    /// command on the same data gives bit-identical features, weights and reports in every run.
    static func main() {
        LinearAlgebra.deterministicFFTPlanning = true
        main(nil)
    }
}
