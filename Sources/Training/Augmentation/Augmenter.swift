import LinearAlgebra

/// Applies an `AugmentationPolicy` to one example, deterministically from a generator.
///
/// Waveform order: speed → pitch → crop/pad to the window → time shift → gain → noise → telephone
/// (noise is in the room, so it goes through the channel too). Give each example its own generator,
/// e.g. `SeededGenerator(seed: seed, streams: UInt64(epoch), UInt64(exampleIndex))`, so results do
/// not depend on the order or the thread examples are processed in.
public struct Augmenter: Sendable {
    public let policy: AugmentationPolicy
    /// Rate of the waveforms, Hz.
    public let sampleRate: Int
    /// Clips babble noise is made from (other training utterances, mono, at `sampleRate`).
    public let babblePool: [[Float]]
    let telephone: TelephoneChannel

    public init(policy: AugmentationPolicy, sampleRate: Int, babblePool: [[Float]] = []) {
        self.policy = policy
        self.sampleRate = sampleRate
        self.babblePool = babblePool
        telephone = TelephoneChannel(sampleRate: sampleRate)
    }

    /// One applied step, for logs and tests.
    public enum Step: Sendable, Equatable {
        case speed(Double), pitch(semitones: Double), crop(length: Int), shift(samples: Int), gain(decibels: Double)
        case noise(Noise.Kind, snrDecibels: Double), telephone
    }

    /// The augmented waveform and the steps applied.
    public func augment(_ samples: [Float], generator: inout SeededGenerator) -> (samples: [Float], steps: [Step]) {
        var x = samples
        var steps: [Step] = []
        // Every draw happens whether or not the step applies, so one step's probability never
        // changes the random numbers the others see.
        let speedDraw = generator.unitDouble(), speedIndex = generator.uniform(below: max(1, policy.speedFactors.count))
        let pitchDraw = generator.unitDouble(), semitones = generator.uniform(in: range(policy.pitchSemitones))
        let shiftDraw = generator.unitDouble(), shiftFraction = generator.uniform(in: -1.0...1.0)
        let gainDraw = generator.unitDouble(), gain = generator.uniform(in: range(policy.gainDecibels))
        let noiseDraw = generator.unitDouble(), snr = generator.uniform(in: range(policy.snrDecibels))
        let kind = policy.noiseKinds.isEmpty ? Noise.Kind.white : policy.noiseKinds[generator.uniform(below: policy.noiseKinds.count)]
        let talkers = generator.uniform(in: policy.babbleTalkers[0]...max(policy.babbleTalkers[0], policy.babbleTalkers[1]))
        let telephoneDraw = generator.unitDouble()
        var noiseGenerator = SeededGenerator(seed: generator.next())
        var cropGenerator: SeededGenerator? = SeededGenerator(seed: generator.next())

        if speedDraw < policy.speedProbability, !policy.speedFactors.isEmpty, policy.speedFactors[speedIndex] != 1 {
            let factor = policy.speedFactors[speedIndex]
            x = SpeedPerturbation.apply(x, factor: factor, sampleRate: sampleRate)
            steps.append(.speed(factor))
        }
        if pitchDraw < policy.pitchProbability, semitones != 0 {
            x = PitchShift.apply(x, semitones: semitones, sampleRate: sampleRate)
            steps.append(.pitch(semitones: semitones))
        }
        if let windowSeconds = policy.windowSeconds {
            let length = Int((windowSeconds * Double(sampleRate)).rounded())
            x = Cropping.cropOrPad(x, length: length, generator: &cropGenerator)
            steps.append(.crop(length: length))
        }
        if shiftDraw < policy.shiftProbability {
            let offset = Int((shiftFraction * policy.maxShiftSeconds * Double(sampleRate)).rounded())
            if offset != 0 {
                x = Cropping.shift(x, by: offset)
                steps.append(.shift(samples: offset))
            }
        }
        if gainDraw < policy.gainProbability {
            x = Mixing.gain(x, decibels: gain)
            steps.append(.gain(decibels: gain))
        }
        if noiseDraw < policy.noiseProbability {
            let noise: [Float]
            switch kind {
            case .white: noise = Noise.white(count: x.count, generator: &noiseGenerator)
            case .pink: noise = Noise.pink(count: x.count, generator: &noiseGenerator)
            case .babble: noise = Noise.babble(count: x.count, talkers: talkers, pool: babblePool, generator: &noiseGenerator)
            }
            x = Mixing.addNoise(x, noise: noise, snrDecibels: snr)
            steps.append(.noise(kind == .babble && babblePool.isEmpty ? .white : kind, snrDecibels: snr))
        }
        if telephoneDraw < policy.telephoneProbability {
            x = telephone.apply(x)
            steps.append(.telephone)
        }
        return (x, steps)
    }

    /// SpecAugment on a feature matrix `[rows, frames]` with the policy's probability; returns the
    /// masks (nil when not applied).
    @discardableResult
    public func augmentFeatures(_ features: inout Matrix, generator: inout SeededGenerator) -> SpecAugment.Masks? {
        let draw = generator.unitDouble()
        var maskGenerator = SeededGenerator(seed: generator.next())
        guard draw < policy.specAugmentProbability else { return nil }
        return policy.specAugment.apply(to: &features, generator: &maskGenerator)
    }

    private func range(_ bounds: [Double]) -> ClosedRange<Double> {
        guard bounds.count == 2, bounds[0] <= bounds[1] else { return 0...0 }
        return bounds[0]...bounds[1]
    }
}
