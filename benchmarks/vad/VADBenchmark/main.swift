// VADBenchmark: builds seeded speech-in-noise mixtures and non-speech tracks from the shared corpora,
// and scores `SpeechDetector` (and the old `VoiceActivity` rule) frame by frame; trains the detector's
// perceptron; measures its CPU cost.
//
// Usage (see run.sh):
//   VADBenchmark eval  [split=test|tune] [threshold=0] [hangover=5] [minrun=3] [preroll=2] [gap=20] [old=1] [tracks=3]
//   VADBenchmark train OUTPUT.swift      (tuning speakers and seeds only)
//   VADBenchmark cost [runs=7]
//   VADBenchmark profile [runs=50]             (the detector alone on the cost signal, for perf/callgrind)
//   VADBenchmark diagnose [noise=white] [snr=20]   (errors by corpus, tuning split)
//   VADBenchmark trace [seed=11] [pink=1] [tone=1] (frames called speech in noise / ringback)
//   VADBenchmark clips [split=test]            (non-speech clips the service would accept, frame by frame)
//   VADBenchmark dtx [split=test] [tracks=3]   (speech tracks with silence suppression: digital zeros in pauses)
//   VADBenchmark dump FILE                     (features and decisions on fixed signals, to compare builds)
//   VADBenchmark compare FILE_A FILE_B         (frames whose features or decisions differ)
// Detector settings: threshold, hangover, minrun, preroll, gap, gate, tone, steady, tonesnr, seedpeak, seedsnr, seedharm.
// Every command takes priming=SAMPLES (default 25600, the service's; 0: no priming).
// Data: $SER_SHARED_DATA, else ../shared/data beside the repository.
import Features
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let options = Dictionary(arguments.compactMap { a -> (String, String)? in
    let p = a.split(separator: "=", maxSplits: 1).map(String.init)
    return p.count == 2 ? (p[0], p[1]) : nil
}, uniquingKeysWith: { $1 })

func log(_ message: String) { FileHandle.standardError.write(Data((message + "\n").utf8)) }

let dataDirectory: URL = {
    if let path = ProcessInfo.processInfo.environment["SER_SHARED_DATA"] { return URL(fileURLWithPath: path) }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
}()

var configuration = SpeechDetectorConfiguration()
if let v = options["threshold"].flatMap(Float.init) { configuration.threshold = v }
if let v = options["hangover"].flatMap(Int.init) { configuration.hangoverFrames = v }
if let v = options["minrun"].flatMap(Int.init) { configuration.minimumRunFrames = v }
if let v = options["preroll"].flatMap(Int.init) { configuration.prerollFrames = v }
if let v = options["gap"].flatMap(Int.init) { configuration.gapFillFrames = v }
if let v = options["gate"].flatMap(Float.init) { configuration.minimumSNRDecibels = v }
if let v = options["tone"].flatMap(Float.init) { configuration.toneTonality = v }
if let v = options["steady"].flatMap(Float.init) { configuration.toneSteadiness = v }
if let v = options["tonesnr"].flatMap(Float.init) { configuration.toneOnsetSNRDecibels = v }
if let v = options["seedpeak"].flatMap(Float.init) { configuration.seedBelowPeakDecibels = v }
if let v = options["seedsnr"].flatMap(Float.init) { configuration.seedSNRDecibels = v }
if let v = options["seedharm"].flatMap(Float.init) { configuration.seedHarmonicity = v }
if let v = options["priming"].flatMap(Int.init) { configuration.primingSamples = v }

switch arguments.first {
case "eval":
    guard let corpus = Corpus(directory: dataDirectory) else { log("no corpus at \(dataDirectory.path)"); exit(2) }
    let split = CorpusSplit(rawValue: options["split"] ?? "test") ?? .test
    Evaluation(corpus: corpus, split: split, tracksPerCondition: Int(options["tracks"] ?? "3") ?? 3,
               configuration: configuration, includeOldRule: options["old"] != "0").run()
case "train":
    guard let corpus = Corpus(directory: dataDirectory) else { log("no corpus at \(dataDirectory.path)"); exit(2) }
    guard arguments.count >= 2 else { log("usage: VADBenchmark train OUTPUT.swift"); exit(2) }
    Training.run(corpus: corpus, output: arguments[1], epochs: Int(options["epochs"] ?? "12") ?? 12)
case "diagnose":
    guard let corpus = Corpus(directory: dataDirectory) else { log("no corpus at \(dataDirectory.path)"); exit(2) }
    Diagnosis.run(corpus: corpus, noise: NoiseKind(rawValue: options["noise"] ?? "white") ?? .white,
                  snr: Double(options["snr"] ?? "20") ?? 20, configuration: configuration)
case "trace":
    Trace.run(seed: UInt64(options["seed"] ?? "11") ?? 11, pink: options["pink"] == "1", tone: options["tone"] == "1", configuration: configuration)
case "clips":
    ClipTrace.run(split: CorpusSplit(rawValue: options["split"] ?? "test") ?? .test, configuration: configuration)
case "dtx":
    guard let corpus = Corpus(directory: dataDirectory) else { log("no corpus at \(dataDirectory.path)"); exit(2) }
    SilenceSuppression.run(corpus: corpus, split: CorpusSplit(rawValue: options["split"] ?? "test") ?? .test,
                           tracksPerCondition: Int(options["tracks"] ?? "3") ?? 3, configuration: configuration)
case "stats":
    guard let corpus = Corpus(directory: dataDirectory) else { log("no corpus at \(dataDirectory.path)"); exit(2) }
    FeatureStats.run(corpus: corpus, noise: NoiseKind(rawValue: options["noise"] ?? "babble") ?? .babble, snr: Double(options["snr"] ?? "10") ?? 10)
case "dump":
    guard arguments.count >= 2 else { log("usage: VADBenchmark dump FILE"); exit(2) }
    Dump.run(corpus: Corpus(directory: dataDirectory), output: arguments[1])
case "compare":
    guard arguments.count >= 3 else { log("usage: VADBenchmark compare FILE_A FILE_B"); exit(2) }
    Dump.compare(arguments[1], arguments[2])
case "profile":
    Cost.profile(configuration: configuration, runs: Int(options["runs"] ?? "50") ?? 50)
case "cost":
    Cost.run(configuration: configuration, runs: Int(options["runs"] ?? "7") ?? 7)
default:
    log("usage: VADBenchmark eval|train|cost|profile|diagnose|trace|clips|dtx|stats|dump|compare [key=value ...]")
    exit(2)
}
