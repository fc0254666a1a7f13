import Analysis
import LinearAlgebra
import Model
import Testing
import TestSupport

/// A live analysis (audio in chunks of any size, segments reported as they complete) gives what the
/// analysis of the whole recording gives, and reports each segment soon after its audio is in.
@Suite("Incremental analysis, as a live stream runs it")
struct IncrementalAnalysisTests {
    func model() throws -> EmotionModel {
        try EmotionModel(contentsOfFile: TinyModel.write(to: TinyModel.temporaryDirectory(), seed: 9))
    }

    /// Two channels: speech-like phrases, and on the second a quieter copy that starts 3.1 s late
    /// over faint noise (a pause first, so some segments hold no speech).
    func call(seconds: Double) -> [[Float]] {
        let first = Signals.speechLike(seconds: seconds, amplitude: 0.2)
        var random = SeededRandom(seed: 5)
        let lead = Int(3.1 * 16000)
        let second = (0..<first.count).map { i -> Float in
            (random.uniform() - 0.5) * 0.004 + (i >= lead ? first[i - lead] * 0.5 : 0)
        }
        return [first, second]
    }

    /// Chunks of random sizes (1 sample to 0.3 s), as network frames arrive.
    func feed(_ channels: [[Float]], into analysis: IncrementalAnalysis, seed: UInt64,
              onUpdates: (Int, [SegmentUpdate]) -> Void = { _, _ in }) throws {
        var random = SeededRandom(seed: seed)
        var position = 0
        while position < channels[0].count {
            let size = max(1, Int(random.uniform() * random.uniform() * 4800))
            let end = min(channels[0].count, position + size)
            let updates = try analysis.append(channels.map { Array($0[position..<end]) })
            position = end
            onUpdates(position, updates)
        }
    }

    @Test(arguments: [(2.0, nil), (2.0, 1.0), (5.0, nil)] as [(Double, Double?)])
    func chunkedEqualsWholeRecording(segment: Double, hop: Double?) throws {
        BLAS.setThreadCount(1)  // sgemm's last bits depend on the thread count
        let model = try model()
        let audio = call(seconds: 13.37)
        let options = AnalysisOptions(segmentSeconds: segment, hopSeconds: hop)
        let whole = try model.withSession { try $0.analyze(InMemorySamples(channels: audio), options: options) }

        let live = try IncrementalAnalysis(model: model, channels: 2, options: options)
        var reported: [SegmentUpdate] = []
        try feed(audio, into: live, seed: 17) { _, updates in reported += updates }
        let (last, result) = try live.finish()
        reported += last

        #expect(result.sampleCount == whole.sampleCount)
        for c in 0..<2 {
            let segments = result.channels[c].segments, expected = whole.channels[c].segments
            #expect(segments.count == expected.count)
            for (a, b) in zip(segments, expected) {
                #expect(abs(a.startSeconds - b.startSeconds) < 1e-9 && abs(a.endSeconds - b.endSeconds) < 1e-9)
                #expect(a.speech == b.speech)
                #expect(zip(a.estimate.probabilities ?? [], b.estimate.probabilities ?? []).allSatisfy { abs($0 - $1) <= 1e-4 })
            }
            #expect(result.channels[c].conversation.turns == whole.channels[c].conversation.turns)
            // Every segment is reported once, in order, with what the final result holds.
            let mine = reported.filter { $0.channel == c }
            #expect(mine.map(\.index) == Array(0..<segments.count))
            #expect(mine.map(\.segment) == segments)
        }
        #expect(result.conversation?.overlapSeconds == whole.conversation?.overlapSeconds)
        if segment < 3 { #expect(reported.contains { !$0.segment.speech }) }  // the second channel's opening pause
    }

    /// A segment is reported by the chunk that completes it, or a little later: the speech detector
    /// decides a few frames behind its input (and once its floor is primed, 1.6 s in). Never before
    /// its audio is in.
    @Test func segmentsAreReportedAsTheirAudioArrives() throws {
        let model = try model()
        let audio = call(seconds: 12)
        let live = try IncrementalAnalysis(model: model, channels: 2, options: AnalysisOptions(segmentSeconds: 2))
        var lateness: [Double] = []
        try feed(audio, into: live, seed: 3) { received, updates in
            for update in updates where update.channel == 0 {
                let receivedSeconds = Double(received) / 16000
                #expect(receivedSeconds >= update.segment.endSeconds - 1e-9)
                lateness.append(receivedSeconds - update.segment.endSeconds)
            }
        }
        let (last, _) = try live.finish()
        #expect(lateness.count == 6 - last.filter { $0.channel == 0 }.count)
        #expect(lateness.count >= 5)
        #expect(lateness.allSatisfy { $0 < 0.6 }, "seconds of audio after a segment's end before it was reported: \(lateness)")
    }

    /// Audio shorter than one segment gives one segment of its own length at the end.
    @Test func shortAudioIsOneSegmentAtTheEnd() throws {
        let model = try model()
        let audio = [Signals.speechLike(seconds: 1.3, amplitude: 0.2)]
        let live = try IncrementalAnalysis(model: model, channels: 1, options: AnalysisOptions(segmentSeconds: 2))
        #expect(try live.append(audio).isEmpty)
        let (last, result) = try live.finish()
        #expect(last.count == 1 && abs(last[0].segment.endSeconds - 1.3) < 1e-9)
        #expect(result.channels[0].segments == last.map(\.segment))
    }
}
