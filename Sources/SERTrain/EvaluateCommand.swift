import ArgumentParser
import Foundation
import Logging
import Training

extension Corpus: ExpressibleByArgument {}

/// `ser-train evaluate`: score a model on labelled audio the way the service would, and report.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a model on labelled speech (UA, WA, F1, confusion, calibration) and write a JSON + HTML report.",
        discussion: """
            Every file is decoded, resampled to the model's rate and analysed exactly as ser-server's
            /v1/predict does (one segment over the whole file, voice-activity detection on); its
            overall probabilities are compared with the file's label after the label map. Files whose
            label the map drops or the model lacks are counted as excluded.

            Data: a manifest.csv (path,label,speaker[,corpus,gender,duration_s]) or a corpus directory
            in its own naming (ravdess, emodb, tess, cremad, savee). Evaluate on speakers the model was
            not trained on: --speakers, or --split with the split the trainer wrote.

            Examples:
              ser-train evaluate --model Models/ser-crnn --manifest ../shared/data/manifest.csv --speakers emodb_03,emodb_08 --report out/
              ser-train evaluate --model model.safetensors --corpus emodb --data ../shared/data/emodb --telephone --report out/
            """)

    @Option(help: "Model: a .safetensors file, Models/<name>/<version>/, or Models/<name>/ (latest version).")
    var model: String

    @Option(help: "Manifest CSV of labelled files.")
    var manifest: String?

    @Option(help: "Corpus whose own file naming to read from --data.")
    var corpus: Corpus?

    @Option(help: "Corpus directory (with --corpus).")
    var data: String?

    @Option(help: "Label map JSON (default: the call-centre map onto angry, disgust, fear, happy, neutral, sad, surprise).")
    var labelMap: String?

    @Option(parsing: .upToNextOption, help: "Only these speakers (namespaced ids like emodb_03; commas or spaces).")
    var speakers: [String] = []

    @Option(help: "A speaker split JSON (as in a training report); evaluates its --part speakers.")
    var split: String?

    @Option(help: "Part of --split to evaluate: train, validation or test.")
    var part: String = "test"

    @Flag(help: "Also score every file through the telephone channel (8 kHz, 300-3400 Hz, mu-law).")
    var telephone = false

    @Option(help: "Directory for report.json and report.html.")
    var report: String?

    @Option(help: "Scoring threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (manifest == nil) != (corpus == nil) else { throw ValidationError("give either --manifest or --corpus with --data") }
        if corpus != nil && data == nil { throw ValidationError("--corpus needs --data DIR") }
        if SpeakerSplit.Part(rawValue: part) == nil { throw ValidationError("--part must be train, validation or test") }
    }

    func run() throws {
        let logger = Logger(label: "ser-train.evaluate")
        let map = try labelMap.map { try LabelMap.load(contentsOf: URL(fileURLWithPath: $0)) } ?? .callCentre
        let errors = map.validationErrors()
        if !errors.isEmpty { throw DatasetError.invalidLabelMap(errors) }

        var utterances: [Utterance]
        let source: String
        if let manifest {
            utterances = try ManifestReader.read(contentsOf: URL(fileURLWithPath: manifest), labelMap: map, logger: logger)
            source = manifest
        } else {
            utterances = try CorpusReader.read(corpus!, directory: URL(fileURLWithPath: data!), labelMap: map, logger: logger)
            source = "\(corpus!.rawValue): \(data!)"
        }
        var wanted = Set(speakers.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty })
        if let split {
            let loaded = try JSONDecoder().decode(SpeakerSplit.self, from: Data(contentsOf: URL(fileURLWithPath: split)))
            let partSpeakers = Set(loaded.speakers(SpeakerSplit.Part(rawValue: part)!))
            wanted = wanted.isEmpty ? partSpeakers : wanted.intersection(partSpeakers)
        }
        if !wanted.isEmpty {
            let unknown = wanted.subtracting(utterances.speakers)
            if !unknown.isEmpty { throw ValidationError("unknown speakers: \(unknown.sorted().joined(separator: ", ")); known: \(utterances.speakers.joined(separator: ", "))") }
            utterances = utterances.spoken(by: wanted)
        }

        let emotionModel = try ModelLocator.load(model)
        let run = EvaluationRun(model: emotionModel, utterances: utterances, sources: [source], telephone: telephone, threads: threads)
        let result = run.run(logger: logger)
        for section in result.sections {
            let m = section.metrics
            print(String(format: "%@: n=%d UA %.1f%% WA %.1f%% macro-F1 %.1f%% NLL %.3f ECE %.3f",
                         section.name, m.count, m.unweightedAverageRecall * 100, m.accuracy * 100, m.macroF1 * 100,
                         m.negativeLogLikelihood, m.expectedCalibrationError))
        }
        for note in result.notes { print("note: \(note)") }
        if let report {
            let (json, html) = try result.write(to: URL(fileURLWithPath: report))
            print("report: \(json.path) \(html.path)")
        }
        if result.sections.isEmpty { throw ExitCode(1) }
    }
}
