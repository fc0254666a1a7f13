import Foundation
import LinearAlgebra
import Testing
@testable import Training

@Suite("Augmentation: crop, SpecAugment, policy, determinism")
struct AugmentationPolicyTests {
    @Test(arguments: [100, 16_000, 40_000])
    func randomCropOrPadGivesTheWindowLength(input: Int) {
        let x = (0..<input).map { Float($0 + 1) }
        var generator: SeededGenerator? = SeededGenerator(seed: 1)
        for _ in 0..<20 {
            let window = Cropping.cropOrPad(x, length: 16_000, generator: &generator)
            #expect(window.count == 16_000)
            let content = window.filter { $0 != 0 }
            // The kept samples are one contiguous run of the input, in order.
            #expect(content.count == min(input, 16_000))
            if let first = content.first { #expect(content == Array(x[Int(first - 1)..<(Int(first - 1) + content.count)])) }
        }
        let centred = Cropping.cropOrPad(x, length: 16_000)
        #expect(centred.count == 16_000 && (input >= 16_000 ? centred[0] == Float((input - 16_000) / 2 + 1) : centred[(16_000 - input) / 2] == 1))
    }

    @Test func shiftFillsWithZerosWithoutWrapping() {
        let x: [Float] = [1, 2, 3, 4, 5]
        #expect(Cropping.shift(x, by: 2) == [0, 0, 1, 2, 3])
        #expect(Cropping.shift(x, by: -2) == [3, 4, 5, 0, 0])
        #expect(Cropping.shift(x, by: 9) == [0, 0, 0, 0, 0])
    }

    @Test func specAugmentMasksExactlyTheDrawnRowsAndFrames() {
        var config = SpecAugment()
        config.frequencyMaskCount = 3; config.maxFrequencyWidth = 6; config.timeMaskCount = 2; config.maxTimeWidth = 15
        config.fill = .zero
        let original = Matrix(rows: 64, columns: 300, values: (0..<(64 * 300)).map { Float($0 % 97) + 1 })
        var generator = SeededGenerator(seed: 21)
        var features = original
        let masks = config.apply(to: &features, generator: &generator)
        #expect(masks.frequency.count == 3 && masks.time.count == 2)
        #expect(masks.frequency.allSatisfy { (1...6).contains($0.width) && $0.start + $0.width <= 64 })
        #expect(masks.time.allSatisfy { (1...15).contains($0.width) && $0.start + $0.width <= 300 })
        let maskedRows = Set(masks.frequency.flatMap { $0.start..<($0.start + $0.width) })
        let maskedFrames = Set(masks.time.flatMap { $0.start..<($0.start + $0.width) })
        for r in 0..<64 {
            for c in 0..<300 {
                let masked = maskedRows.contains(r) || maskedFrames.contains(c)
                #expect(features[r, c] == (masked ? 0 : original[r, c]))
            }
        }
        // The mean fill, and a matrix too short for the widest time mask.
        config.fill = .mean
        var short = Matrix(rows: 4, columns: 10, values: (0..<40).map(Float.init))
        let shortMasks = config.apply(to: &short, generator: &generator)
        #expect(shortMasks.time.allSatisfy { $0.width <= 2 })
        #expect(short.values.contains(19.5))
    }

    @Test func policyDecodesPartialJSONWithDefaults() throws {
        let policy = try JSONDecoder().decode(AugmentationPolicy.self, from: Data(#"{"telephoneProbability": 1, "specAugment": {"timeMaskCount": 4}}"#.utf8))
        #expect(policy.telephoneProbability == 1)
        #expect(policy.specAugment.timeMaskCount == 4 && policy.specAugment.frequencyMaskCount == 2)
        #expect(policy.snrDecibels == AugmentationPolicy().snrDecibels)
        #expect(policy.validationErrors().isEmpty)
        let roundTrip = try JSONDecoder().decode(AugmentationPolicy.self, from: JSONEncoder().encode(policy))
        #expect(roundTrip == policy)
        var bad = AugmentationPolicy()
        bad.noiseProbability = 2; bad.snrDecibels = [10, 5]
        #expect(bad.validationErrors().count == 2)
    }

    /// Every step enabled.
    func fullPolicy() -> AugmentationPolicy {
        var policy = AugmentationPolicy()
        policy.speedProbability = 1; policy.pitchProbability = 1; policy.shiftProbability = 1
        policy.gainProbability = 1; policy.noiseProbability = 1; policy.telephoneProbability = 1
        policy.specAugmentProbability = 1; policy.windowSeconds = 1.5
        return policy
    }

    @Test func augmenterIsDeterministicFromTheSeed() {
        let clip = speechLikeSignal(seconds: 2)
        let augmenter = Augmenter(policy: fullPolicy(), sampleRate: 16_000, babblePool: [speechLikeSignal(seconds: 1)])
        var g1 = SeededGenerator(seed: 77, streams: 3, 12), g2 = SeededGenerator(seed: 77, streams: 3, 12)
        var g3 = SeededGenerator(seed: 77, streams: 3, 13)
        let a = augmenter.augment(clip, generator: &g1), b = augmenter.augment(clip, generator: &g2)
        let c = augmenter.augment(clip, generator: &g3)
        #expect(a.samples == b.samples && a.steps == b.steps)
        #expect(a.samples != c.samples)
        #expect(a.samples.count == 24_000)
        #expect(a.steps.count == 7, "\(a.steps)")
        #expect(a.steps.last == .telephone)
        var f1 = Matrix(rows: 64, columns: 150, repeating: 1), f2 = f1
        #expect(augmenter.augmentFeatures(&f1, generator: &g1) == augmenter.augmentFeatures(&f2, generator: &g2))
        #expect(f1 == f2)
        // No augmentation leaves the clip untouched.
        var g4 = SeededGenerator(seed: 1)
        #expect(Augmenter(policy: .none, sampleRate: 16_000).augment(clip, generator: &g4).samples == clip)
    }
}
