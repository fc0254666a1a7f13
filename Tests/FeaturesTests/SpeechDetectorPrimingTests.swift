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

    /// The configuration the fixture was recorded with: today's, without the voiced-seed rule added
    /// since (`seedHarmonicity`; it changes decisions, not priming).
    static let recordedConfiguration: SpeechDetectorConfiguration = {
        var configuration = SpeechDetectorConfiguration()
        configuration.seedHarmonicity = 0
        return configuration
    }()

    static func stream(_ x: [Float], blockSize: Int, configuration: SpeechDetectorConfiguration = recordedConfiguration) -> [Bool] {
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
        #expect(SpeechDetector.detect(x, configuration: Self.recordedConfiguration) == expected, "\(name): whole array")
        for blockSize in [1_000, 333, 25_600] {
            #expect(Self.stream(x, blockSize: blockSize) == expected, "\(name): blocks of \(blockSize)")
        }
    }

    @Test("without priming the decisions are the unprimed detector's", arguments: 0..<5)
    func unprimedAsBefore(index: Int) {
        var configuration = Self.recordedConfiguration
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

    /// A silence-suppressed line or a muted channel opens with digital zeros: they are decided as they
    /// come (no floor is learnt from them), and the opening the floor is primed with starts at the
    /// first sound.
    @Test("leading digital silence is decided at once; priming starts at the first sound")
    func leadingDigitalSilence() {
        let configuration = SpeechDetectorConfiguration()
        let detector = SpeechDetector(configuration: configuration)
        var decisions: [Bool] = []
        decisions += detector.push([Float](repeating: 0, count: 48_000))
        #expect(decisions.count == (48_000 - 1 - configuration.latencySamples) / 160 + 1)
        #expect(!decisions.contains(true))
        let x = Self.signals[0].1
        decisions += detector.push(Array(x[0..<20_000]))
        let decidedInOpening = decisions.count
        #expect(decidedInOpening < 300, "frames of the opening decided before it was complete: \(decidedInOpening)")
        decisions += detector.push(Array(x[20_000...]))
        let n = detector.sampleCount
        #expect(decisions.count == (n - 1 - configuration.latencySamples) / 160 + 1)
        decisions += detector.finish()
        #expect(decisions.count == 1 + n / 160)
        // Past the zeros, the decisions are those of the signal alone (the frames' windows near the
        // first sample see the zeros either way).
        #expect(Array(decisions[300...]) == SpeechDetector.detect(x, configuration: configuration))
    }
}
