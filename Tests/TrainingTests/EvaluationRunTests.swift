import AudioDecoding
import Features
import Foundation
import Analysis
import Model
import NeuralNet
import Testing
import TestSupport
@testable import Training

/// A small random CNN over MFCCs with the call-centre labels, written as a real model file.
func writeTinyModel(to path: String, seed: UInt64 = 1) throws {
    let spec = NetworkSpec(inputShape: [20, nil], layers: [
        .conv1d(ConvolutionSpec(outChannels: 8, kernelSize: [3])), .activation(.relu),
        .statisticsPooling(StatisticsPoolingSpec()), .dense(DenseSpec(outFeatures: 7)), .softmax,
    ])
    var generator = SeededGenerator(seed: seed)
    var parameters: [String: Tensor] = [:]
    for (name, shape) in try spec.parameterShapes() {
        parameters[name] = Tensor(shape: shape, values: (0..<Tensor.elementCount(shape)).map { _ in Float(0.2 * generator.gaussian()) })
    }
    let network = try Network(spec: spec, parameters: parameters)
    let manifest = ModelManifest(name: "tiny", version: "1", labels: LabelMap.callCentre.labels, featureConfig: FeatureConfig(),
                                 input: ModelInputSpec(features: [.mfcc], layout: .channelsByTime, windowSeconds: 3))
    try ModelFile.write(manifest: manifest, network: network, toFile: path)
}

@Suite("Evaluation run and feature export")
struct EvaluationRunTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-eval-\(UUID().uuidString)")

    /// Six WAV files of speech-like harmonic signals (two at 8 kHz), and a manifest labelling them.
    func makeData() throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rows: [(String, String, String, Int, Double)] = [
            ("a.wav", "anger", "s1", 16_000, 220), ("b.wav", "sadness", "s1", 16_000, 110), ("c.wav", "boredom", "s2", 16_000, 130),
            ("d.wav", "happiness", "s2", 8_000, 260), ("e.wav", "neutral", "s3", 16_000, 150), ("f.wav", "fear", "s3", 8_000, 300),
        ]
        var manifest = "path,label,speaker,corpus\n"
        for (name, label, speaker, rate, f0) in rows {
            let samples = Signals.speechLike(seconds: 1.5, sampleRate: rate, pitch: f0, amplitude: 0.4)
            try Data(AudioEncoder().encode([samples], sampleRate: rate, format: .wavPCM16)).write(to: directory.appendingPathComponent(name))
            manifest += "\(name),\(label),\(speaker),toy\n"
        }
        let url = directory.appendingPathComponent("manifest.csv")
        try Data(manifest.utf8).write(to: url)
        return url
    }

    @Test func evaluationScoresThroughTheServicePathAndReports() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = try makeData()
        let version = directory.appendingPathComponent("Models/tiny/1")
        try FileManager.default.createDirectory(at: version, withIntermediateDirectories: true)
        try writeTinyModel(to: version.appendingPathComponent("model.safetensors").path)
        // All three ways of naming the model find the same file.
        let modelDirectory = directory.appendingPathComponent("Models/tiny").path
        #expect(try ModelLocator.resolve(modelDirectory) == version.appendingPathComponent("model.safetensors").path)
        #expect(try ModelLocator.resolve(version.path) == ModelLocator.resolve(modelDirectory))
        #expect(throws: (any Error).self) { try ModelLocator.resolve(self.directory.path) }
        let model = try ModelLocator.load(modelDirectory)

        let utterances = try ManifestReader.read(contentsOf: manifest)
        let run = EvaluationRun(model: model, utterances: utterances, sources: [manifest.path], telephone: true, threads: 2)
        let report = run.run(command: ["test"])
        #expect(report.data?.excluded == ["label dropped by the label map": 1])
        // The toy corpus has 5 of the 7 classes: also scored with the argmax over those 5.
        #expect(report.sections.map(\.name) == ["all (clean)", "toy (clean), argmax over its classes",
                                                "all (telephone)", "toy (telephone), argmax over its classes"])
        #expect(report.sections.allSatisfy { $0.metrics.count == 5 })
        #expect(report.sections[1].metrics.labels.count == 5 && report.sections[1].metrics.accuracy >= report.sections[0].metrics.accuracy)
        #expect(report.sections[0].metrics.perClass.map(\.support) == [1, 0, 1, 1, 1, 1, 0])

        // The probabilities are the service's: decode, resample, analyse with VAD over the whole file.
        let scored = UtteranceScorer(model: model).score(utterances[3])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: utterances[3].path)))
        let samples = try AudioDecoder().decode(bytes, resamplingTo: 16_000).mixdown()
        let direct = try model.withSession { try $0.analyze(samples, options: AnalysisOptions()) }
        #expect(scored.probabilities == direct.overall.probabilities)
        #expect(scored.probabilities != nil)
        // The telephone condition changes the input, so it changes the probabilities.
        #expect(UtteranceScorer(model: model, telephone: true).score(utterances[0]).probabilities != UtteranceScorer(model: model).score(utterances[0]).probabilities)

        let (json, html) = try report.write(to: directory.appendingPathComponent("report"))
        #expect(try JSONDecoder().decode(TrainingReport.self, from: Data(contentsOf: json)) == report)
        #expect(try String(contentsOf: html, encoding: .utf8).contains("Evaluation of tiny v1"))
    }

    /// The trainer's evaluation cuts a clip where the service's analysis cuts the same audio: one
    /// `WindowPlan`, its sample windows mapped onto the clip's frames, weighted by the samples they count.
    @Test(arguments: [120, 301, 601, 602, 1250, 2001, 4321])
    func evaluationWindowsAreTheServicePlan(columns: Int) throws {
        let path = directory.appendingPathComponent("plan.safetensors").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try writeTinyModel(to: path)
        let model = try EmotionModel(contentsOfFile: path)
        let evaluator = Evaluator(network: model.network, plan: WindowPlan(model: model),
                                  hopLength: model.manifest.featureConfig.hopLength, layout: .channelsByTime)
        let hop = model.manifest.featureConfig.hopLength
        let samples = (columns - 1) * hop
        let served = WindowPlan(model: model).windows(segments: [(0, Double(samples) / 16000)], sampleCount: samples)
        let evaluated = evaluator.frameWindows(columns: columns)
        #expect(evaluated.count == served.count)
        #expect(evaluated.map(\.frames.lowerBound) == served.map { $0.analysisLower / hop })
        #expect(evaluated.map(\.weight) == served.map { $0.upper - $0.lower })
        // Each window reads the frames the service computes for its samples, within the clip.
        for (frames, window) in zip(evaluated.map(\.frames), served) {
            #expect(frames.count == min(columns - frames.lowerBound, 1 + (window.analysisUpper - window.analysisLower) / hop))
        }
        // 3 s windows: a clip longer than 3 s is cut into more than one.
        #expect((served.count > 1) == (samples > 48000))
    }

    @Test func unreadableFilesAreReportedNotFatal() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("m.safetensors").path
        try writeTinyModel(to: path)
        let model = try ModelLocator.load(path)
        try Data("not audio".utf8).write(to: directory.appendingPathComponent("bad.wav"))
        let bad = Utterance(path: directory.appendingPathComponent("bad.wav").path, corpus: "x", originalLabel: "angry", mappedLabel: "angry", speaker: "x_1")
        let report = EvaluationRun(model: model, utterances: [bad], sources: [], threads: 1).run(command: [])
        #expect(report.sections.isEmpty)
        #expect(report.notes.contains { $0.contains("1 files failed") })
    }

    @Test func featureExportDecodesResamplesAndRendersLikeFeatureExport() throws {
        let tone = Signals.sine(frequency: 440, sampleRate: 8_000, seconds: 1)
        let wav = try AudioEncoder().encode([tone, tone], sampleRate: 8_000, format: .wavMuLaw)
        let exporter = try FeatureFileExport()
        let csv = String(decoding: try exporter.export(wav, kind: .mfcc, format: .csv), as: UTF8.self)
        let lines = csv.split(separator: "\n")
        #expect(lines[0].hasPrefix("time_s,mfcc_0,mfcc_1"))
        #expect(lines.count == 1 + FeatureConfig().frameCount(sampleCount: 16_000))
        // Identical to FeatureExport on the decoded, resampled, mixed samples.
        let samples = try AudioDecoder().decode(wav, resamplingTo: 16_000).mixdown()
        #expect(try exporter.export(wav, kind: .pitch, format: .json)
                == FeatureExport.render(kind: .pitch, format: .json, samples: samples, extractor: exporter.extractor))
        let npy = try exporter.export(wav, kind: .functionals, format: .npy)
        #expect(Array(npy.prefix(6)) == [0x93] + Array("NUMPY".utf8))
        #expect(FeatureFileExport.outputName(for: "/data/calls/a.b.flac", kind: .logmel, format: .npy) == "a.b.logmel.npy")
        #expect(throws: AudioDecodingError.self) { try exporter.export(Array("junk".utf8), kind: .mfcc, format: .csv) }
    }
}
