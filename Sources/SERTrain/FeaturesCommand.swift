import ArgumentParser
import AudioDecoding
import Features
import Foundation
import Training

extension FeatureKind: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}

/// `ser-train features FILE... --kind K --format F [--output PATH]`: feature export with the
/// service's decoder and feature code.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute one kind of features of audio files and write them as CSV, JSON or NumPy .npy.",
        discussion: """
            Each file is decoded like the service does (WAV, FLAC, Ogg, MP3, ...; any sample rate, e.g.
            8 kHz telephone audio), resampled to the feature configuration's rate, mixed to mono, and
            its features rendered: frame features as one row per feature and one column per frame
            (CSV: one line per frame), functionals as one row per feature and one column per statistic.

            One file goes to standard output, or to --output. Several files need --output to be a
            directory; each is written there as <name>.<kind>.<format>.

            Examples:
              ser-train features call.wav --kind mfcc --format csv > call.mfcc.csv
              ser-train features a.flac b.wav --kind logmel --format npy --output features/
              ser-train features call8k.wav --kind functionals --format json --config feature_config.json
            """)

    @Argument(help: "Audio files.")
    var files: [String]

    @Option(help: "Feature kind: \(FeatureKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: FeatureKind

    @Option(help: "Output format: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: ExportFormat = .csv

    @Option(help: "Output file (one input) or directory (any number of inputs); standard output when omitted.")
    var output: String?

    @Option(help: "Analysis sample rate, Hz (overrides the configuration's).")
    var sampleRate: Int?

    @Option(help: "FeatureConfig JSON file (missing keys keep their defaults).")
    var config: String?

    func run() throws {
        var featureConfig = FeatureConfig()
        if let config {
            featureConfig = try JSONDecoder().decode(FeatureConfig.self, from: Data(contentsOf: URL(fileURLWithPath: config)))
        }
        if let sampleRate { featureConfig.sampleRate = sampleRate }
        let exporter = try FeatureFileExport(config: featureConfig)

        var isDirectory: ObjCBool = false
        let outputIsDirectory = output.map { $0.hasSuffix("/") || (FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue) } ?? false
        if files.count > 1 && !outputIsDirectory {
            throw ValidationError("several input files need --output to name a directory (existing, or ending in '/')")
        }
        if let output, outputIsDirectory {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        }
        var failures = 0
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): cannot read file\n".utf8))
                failures += 1
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try exporter.export([UInt8](data), kind: kind, format: format)
            } catch {
                FileHandle.standardError.write(Data("\(path): error \(error.code): \(error)\n".utf8))
                failures += 1
                continue
            }
            if let output {
                let target = outputIsDirectory
                    ? (output as NSString).appendingPathComponent(FeatureFileExport.outputName(for: path, kind: kind, format: format))
                    : output
                try Data(bytes).write(to: URL(fileURLWithPath: target))
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
