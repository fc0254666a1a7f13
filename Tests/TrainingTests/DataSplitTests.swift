import Foundation
import Testing
@testable import Training

/// 4 corpora × 2 genders with unequal speaker counts, 3 files per speaker.
func syntheticUtterances() -> [Utterance] {
    var rows: [Utterance] = []
    let groups: [(String, String, Int)] = [("ravdess", "male", 10), ("ravdess", "female", 10), ("emodb", "male", 4),
                                           ("emodb", "female", 4), ("calls", "female", 2), ("calls", "male", 1)]
    for (corpus, gender, count) in groups {
        for s in 0..<count {
            for f in 0..<3 {
                rows.append(Utterance(path: "/\(corpus)/\(gender)\(s)/\(f).wav", corpus: corpus, originalLabel: "neutral",
                                      mappedLabel: "neutral", speaker: "\(corpus)_\(gender)\(s)", gender: gender))
            }
        }
    }
    return rows
}

@Suite("Speaker splits")
struct DataSplitTests {
    let data = syntheticUtterances()

    @Test func stratifiedSplitIsDisjointCoveringAndStratified() {
        let split = SpeakerSplit.stratified(data, seed: 42)
        let all = split.train + split.validation + split.test
        #expect(Set(all).count == all.count, "a speaker is in two parts")
        #expect(Set(all) == Set(data.speakers))
        // Every (corpus, gender) group of ≥ 3 speakers is represented in every part.
        for (corpus, gender) in [("ravdess", "male"), ("ravdess", "female"), ("emodb", "male"), ("emodb", "female")] {
            for part in SpeakerSplit.Part.allCases {
                #expect(split.speakers(part).contains { $0.hasPrefix("\(corpus)_\(gender)") }, "\(corpus) \(gender) \(part)")
            }
        }
        // Group sizes: ravdess 10 → 2 test, 2 validation; emodb 4 → 1, 1; calls female 2 → 1 test; lone speaker trains.
        #expect(split.test.count == 2 + 2 + 1 + 1 + 1)
        #expect(split.validation.count == 2 + 2 + 1 + 1)
        #expect(split.train.contains("calls_male0"))
        // Files follow their speaker: no file of a test speaker is in training.
        let trainPaths = Set(split.utterances(.train, from: data).map(\.path))
        #expect(split.utterances(.test, from: data).allSatisfy { !trainPaths.contains($0.path) })
    }

    @Test func splitsAreReproducibleAndSeedDependent() {
        #expect(SpeakerSplit.stratified(data, seed: 7) == SpeakerSplit.stratified(data.reversed(), seed: 7))
        let seeds: [UInt64] = [1, 2, 3, 4]
        let tests = Set(seeds.map { SpeakerSplit.stratified(data, seed: $0).test })
        #expect(tests.count > 1, "different seeds gave the same test speakers")
        #expect(SpeakerSplit.kFold(data, folds: 5, seed: 9) == SpeakerSplit.kFold({ var g = SeededGenerator(seed: 99); return g.shuffled(data) }(), folds: 5, seed: 9))
        #expect(SpeakerSplit.kFold(data, folds: 5, seed: 9) != SpeakerSplit.kFold(data, folds: 5, seed: 10))
    }

    @Test func kFoldPutsEverySpeakerInExactlyOneTestFold() {
        let folds = SpeakerSplit.kFold(data, folds: 5, seed: 3)
        #expect(folds.count == 5)
        let tests = folds.flatMap(\.test)
        #expect(tests.count == data.speakers.count && Set(tests) == Set(data.speakers))
        let sizes = folds.map(\.test.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
        for fold in folds {
            let parts = [fold.train, fold.validation, fold.test]
            #expect(Set(parts.joined()).count == data.speakers.count, "fold \(fold.fold!) does not cover all speakers")
            #expect(parts.map(\.count).reduce(0, +) == data.speakers.count, "fold \(fold.fold!) repeats a speaker")
            #expect(!fold.validation.isEmpty && !fold.train.isEmpty)
        }
        // Validation speakers vary between folds.
        #expect(Set(folds.map(\.validation)).count == 5)
    }

    @Test func splitRoundTripsThroughJSON() throws {
        let split = SpeakerSplit.kFold(data, folds: 3, seed: 1)[1]
        let decoded = try JSONDecoder().decode(SpeakerSplit.self, from: JSONEncoder().encode(split))
        #expect(decoded == split && decoded.fold == 1 && decoded.part(of: decoded.test[0]) == .test)
    }

    @Test func allocationLeavesATrainingSpeaker() {
        #expect(SpeakerSplit.allocation(3, validation: 0.4, test: 0.4) == (1, 1))
        #expect(SpeakerSplit.allocation(2, validation: 0.15, test: 0.15) == (1, 0))
        #expect(SpeakerSplit.allocation(1, validation: 0.5, test: 0.3) == (0, 0))
        #expect(SpeakerSplit.allocation(20, validation: 0.1, test: 0.2) == (4, 2))
    }

    @Test func generatorIsStableAndUniform() {
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 1), c = SeededGenerator(seed: 1, streams: 2)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[a.uniform(below: 6)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
        var sum = 0.0, squares = 0.0
        for _ in 0..<20_000 { let g = a.gaussian(); sum += g; squares += g * g }
        #expect(abs(sum / 20_000) < 0.03 && abs(squares / 20_000 - 1) < 0.05)
    }
}
