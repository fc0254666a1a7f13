import AudioDecoding
import Foundation
import Analysis
import Model
import Testing
import TestSupport

/// The shipped default model on the shipped example files gives fixed probabilities: a change to the
/// decoder, the front-end, the network engine or the analysis that moves any of them by more than
/// 1e-5 fails here (the role of llama2.c's `test_all.py` or whisper.cpp's `for-tests` models).
///
/// The expected values are `Fixtures/golden.json`. After a deliberate change of the model or the
/// pipeline, record them anew with `SER_RECORD_GOLDEN=1 swift test --filter GoldenModelTests` and
/// say in the commit why they moved.
@Suite("The shipped model on the example files")
struct GoldenModelTests {
    static let root = SharedData.repositoryRoot
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden.json")
    /// The shipped default model: the latest version of `ser-cnn`, which the service serves when a request names none.
    static let model = "Models/ser-cnn/3/model.safetensors"

    /// One analysis per case: the file, and the options the README's curl examples use.
    static let cases: [(name: String, file: String, mix: Bool, options: AnalysisOptions)] = [
        ("speech", "examples/speech.wav", false, AnalysisOptions()),
        ("speech-segments", "examples/speech.wav", false, AnalysisOptions(segmentSeconds: 2)),
        ("call-split-segments", "examples/call-8k-mulaw-stereo.wav", false, AnalysisOptions(segmentSeconds: 2)),
        ("call-mix-no-vad", "examples/call-8k-mulaw-stereo.wav", true, AnalysisOptions(voiceActivityDetection: false)),
    ]

    /// Every probability of every channel, overall and per segment (silent segments as empty lists),
    /// and the speech seconds behind each.
    static func analyze(file: String, mix: Bool, options: AnalysisOptions) throws -> [String: [[Double]]] {
        let model = try EmotionModel(contentsOfFile: root.appendingPathComponent(Self.model).path)
        let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent(file)))
        let source = try EncodedAudioSource(bytes: bytes, decoder: AudioDecoder(), sampleRate: model.sampleRate, mix: mix)
        let analysis = try model.withSession { try $0.analyze(source, options: options) }
        var result: [String: [[Double]]] = [:]
        for (c, channel) in analysis.channels.enumerated() {
            let estimates = [channel.overall] + channel.segments.map(\.estimate)
            result["channel\(c).probabilities"] = estimates.map { ($0.probabilities ?? []).map(Double.init) }
            result["channel\(c).speech_s"] = [estimates.map(\.speechSeconds)]
        }
        return result
    }

    @Test func theShippedModelGivesTheRecordedProbabilities() throws {
        var actual: [String: [String: [[Double]]]] = [:]
        for c in Self.cases { actual[c.name] = try Self.analyze(file: c.file, mix: c.mix, options: c.options) }
        if ProcessInfo.processInfo.environment["SER_RECORD_GOLDEN"] != nil {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try FileManager.default.createDirectory(at: Self.fixture.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoder.encode(actual).write(to: Self.fixture)
            return
        }
        let expected = try JSONDecoder().decode([String: [String: [[Double]]]].self, from: Data(contentsOf: Self.fixture))
        #expect(Set(actual.keys) == Set(expected.keys))
        for (name, series) in expected {
            let got = try #require(actual[name], "case \(name) missing")
            #expect(Set(got.keys) == Set(series.keys), "case \(name): channels differ")
            for (key, rows) in series {
                let gotRows = try #require(got[key], "\(name) \(key) missing")
                #expect(gotRows.map(\.count) == rows.map(\.count), "\(name) \(key): shape differs")
                for (r, (a, e)) in zip(gotRows, rows).enumerated() {
                    for (k, (x, y)) in zip(a, e).enumerated() {
                        #expect(abs(x - y) <= 1e-5, "\(name) \(key)[\(r)][\(k)]: \(x) vs recorded \(y)")
                    }
                }
            }
        }
    }

    /// The recorded values are a real answer, not an empty one: speech in both example files, with
    /// probabilities that sum to one.
    @Test func theRecordedValuesDescribeSpeech() throws {
        let expected = try JSONDecoder().decode([String: [String: [[Double]]]].self, from: Data(contentsOf: Self.fixture))
        #expect(expected.count == Self.cases.count)
        for (name, series) in expected {
            let overall = try #require(series["channel0.probabilities"]?.first, "\(name)")
            #expect(overall.count == 7, "\(name): seven labels")
            #expect(abs(overall.reduce(0, +) - 1) < 1e-4, "\(name): sums to one")
        }
        #expect(expected["call-split-segments"]?["channel1.probabilities"] != nil, "the call has two channels")
    }
}
