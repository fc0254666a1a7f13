import Features
import Foundation
import Testing

/// Priming inside the detector (the floor learnt from the frames of the opening 1.6 s, those frames
/// decided after it) gives exactly the decisions of priming as the service did it before, with a
/// separate pass: `SpeechDetector.primeNoiseFloor(opening)`, then every sample pushed, then `finish`.
/// `Fixtures/speech-detector-priming.json` holds that code's decisions (commit bea3263, recorded by a
/// one-off program on the signals of `PrimingSignals`), primed and unprimed.
@Suite("Speech detector priming", .disabled(if: ProcessInfo.processInfo.environment["SER_TEST_SEED"] != nil,
                                            "the recorded decisions are for the default seeds"))
struct SpeechDetectorPrimingTests {
    struct Case: Decodable {
        var name: String
        var sampleCount: Int
        var primed: [Int]
        var unprimed: [Int]
    }

    struct Recording: Decodable {
        var cases: [Case]
    }

    static let recording: Recording = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/speech-detector-priming.json")
        return try! JSONDecoder().decode(Recording.self, from: Data(contentsOf: url))
    }()

    static let signals = PrimingSignals.all()

    /// Decisions from run lengths (the first run is non-speech).
    static func decisions(_ runs: [Int]) -> [Bool] {
        runs.enumerated().flatMap { [Bool](repeating: $0.offset % 2 == 1, count: $0.element) }
    }

    static func stream(_ x: [Float], blockSize: Int, configuration: SpeechDetectorConfiguration = SpeechDetectorConfiguration()) -> [Bool] {
        let detector = SpeechDetector(configuration: configuration)
        var decisions: [Bool] = []
        x.withUnsafeBufferPointer { all in
            var i = 0
            while i < all.count {
                detector.push(UnsafeBufferPointer(rebasing: all[i..<min(all.count, i + blockSize)]), into: &decisions)
                i += blockSize
            }
        }
        detector.finish(into: &decisions)
        return decisions
    }

    @Test("the primed decisions are those of priming, then pushing", arguments: 0..<5)
    func primedAsBefore(index: Int) throws {
        let recorded = Self.recording.cases[index]
        let (name, x) = Self.signals[index]
        try #require(recorded.name == name && recorded.sampleCount == x.count, "fixture and signals disagree: \(recorded.name)")
        let expected = Self.decisions(recorded.primed)
        #expect(SpeechDetector.detect(x) == expected, "\(name): whole array")
        for blockSize in [1_000, 333, 25_600] {
            #expect(Self.stream(x, blockSize: blockSize) == expected, "\(name): blocks of \(blockSize)")
        }
    }

    @Test("without priming the decisions are the unprimed detector's", arguments: 0..<5)
    func unprimedAsBefore(index: Int) {
        var configuration = SpeechDetectorConfiguration()
        configuration.primingSamples = 0
        let (name, x) = Self.signals[index]
        #expect(SpeechDetector.detect(x, configuration: configuration) == Self.decisions(Self.recording.cases[index].unprimed), "\(name)")
    }

    @Test("nothing is decided before the opening is in, then frames come with the documented latency")
    func latencyWhilePriming() {
        let configuration = SpeechDetectorConfiguration()
        let detector = SpeechDetector(configuration: configuration)
        let x = Self.signals[0].1
        var decisions: [Bool] = []
        var position = 0
        for step in [1, 5_000, 17_000, 3_599, 1, 160, 999, 4_000, 321, 12_345] {
            x.withUnsafeBufferPointer { detector.push(UnsafeBufferPointer(rebasing: $0[position..<(position + step)]), into: &decisions) }
            position += step
            let n = detector.sampleCount
            // Frame t is decided once 160·t + latencySamples samples are in, and none before the opening.
            let expected = n < configuration.primingSamples ? 0 : max(0, (n - 1 - configuration.latencySamples) / 160 + 1)
            #expect(decisions.count == expected, "after \(n) samples")
            #expect(detector.decidedFrames == decisions.count)
            #expect(detector.pendingFrames == 1 + n / 160 - decisions.count)
            if n >= configuration.primingSamples { #expect(detector.pendingFrames <= configuration.latencySamples / 160 + 1) }
        }
        detector.finish(into: &decisions)
        #expect(decisions.count == 1 + position / 160 && detector.pendingFrames == 0)
    }
}
