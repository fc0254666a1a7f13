import Foundation
import Features
import LinearAlgebra
import Testing
import TestSupport

@Suite("Pitch, formants, voice activity and speech rate")
struct ProsodyTests {
    @Test(arguments: [110.0, 220.0, 330.0])
    func yinFindsATonesPitch(frequency: Double) throws {
        let extractor = try FeatureExtractor()
        let pitch = extractor.pitch(SyntheticSignals.harmonicTone(frequency: frequency, sampleRate: 16_000, seconds: 1))
        let interior = 8..<(pitch.frameCount - 8)
        for t in interior {
            #expect(pitch.voiced[t])
            #expect(abs(Double(pitch.frequencies[t]) - frequency) / frequency < 0.005, "frame \(t): \(pitch.frequencies[t]) Hz")
            #expect(pitch.aperiodicity[t] < 0.1)
        }
        let statistics = pitch.statistics(framesPerSecond: extractor.config.frameRate)
        #expect(abs(statistics.medianHz - frequency) / frequency < 0.005)
        #expect(statistics.voicedFraction > 0.8)
        #expect(abs(statistics.slopeHzPerSecond) < 1)
    }

    @Test func noiseIsMostlyUnvoiced() throws {
        let extractor = try FeatureExtractor()
        let pitch = extractor.pitch(SyntheticSignals.noise(count: 16_000, amplitude: 0.3, seed: 9))
        #expect(pitch.voiced.filter { $0 }.count < pitch.frameCount / 10)
    }

    /// /a/-like vowel with F1 700, F2 1220, F3 2600 Hz: LPC formants within 10 % on the median frame.
    @Test(arguments: [(110.0, [700.0, 1220, 2600]), (200.0, [300.0, 2300, 3000]), (140.0, [500.0, 1500, 2500])])
    func formantsOfASyntheticVowel(f0: Double, formants: [Double]) throws {
        let extractor = try FeatureExtractor()
        let vowel = SyntheticSignals.vowel(f0: f0, formants: formants, bandwidths: [80, 100, 120],
                                           sampleRate: 16_000, seconds: 0.6)
        let track = extractor.formants(vowel)
        for (i, expected) in formants.enumerated() {
            let values = (10..<(track.frequencies.columns - 10)).map { Double(track.frequencies[i, $0]) }.sorted()
            let median = values[values.count / 2]
            #expect(abs(median - expected) / expected < 0.1, "F\(i + 1): \(median) Hz, expected \(expected) Hz")
        }
    }

    /// Tone "syllables" with a raised-cosine envelope at a known rate, separated by dips, in light noise.
    @Test(arguments: [3.0, 4.0, 5.0])
    func speechRateOfASyllableTrain(rate: Double) throws {
        let extractor = try FeatureExtractor()
        let sampleRate = 16_000, seconds = 4.0
        let tone = SyntheticSignals.harmonicTone(frequency: 150, sampleRate: sampleRate, seconds: seconds)
        let noise = SyntheticSignals.noise(count: tone.count, amplitude: 0.002, seed: 4)
        let samples = (0..<tone.count).map { i -> Float in
            let t = Double(i) / Double(sampleRate)
            let envelope = 0.5 - 0.5 * cos(2 * Double.pi * rate * t)
            return Float(envelope * envelope) * tone[i] + noise[i]
        }
        let result = extractor.speechRate(samples)
        let expected = Int((rate * seconds).rounded())
        #expect(abs(result.syllableCount - expected) <= 1, "found \(result.syllableCount) nuclei, expected \(expected)")
        #expect(abs(result.syllablesPerSecond - rate) / rate < 0.1)
        #expect(result.durationSeconds == seconds)
    }

    @Test func voiceActivityCoversTheVoicedBurstAndItsHangover() throws {
        let extractor = try FeatureExtractor()
        let sampleRate = 16_000
        var samples = SyntheticSignals.noise(count: 3 * sampleRate, amplitude: 0.002, seed: 8)
        let burst = SyntheticSignals.harmonicTone(frequency: 180, sampleRate: sampleRate, seconds: 1)
        for i in 0..<burst.count { samples[sampleRate + i] += burst[i] }
        let mask = extractor.voiceActivity(samples)
        #expect(mask.count == 301)
        #expect(mask[0..<95].allSatisfy { !$0 })
        #expect(mask[102..<198].allSatisfy { $0 })
        #expect(mask[202..<215].allSatisfy { $0 })  // 200 ms hangover after the burst ends at frame 200
        #expect(mask[230..<301].allSatisfy { !$0 })
    }

    @Test func polynomialRootsOfKnownFactors() {
        // (z − 0.5)(z + 0.25)(z² − 2·0.9·cos(0.7)·z + 0.81)(z − 2)
        let expected = [ComplexDouble(0.5, 0), ComplexDouble(-0.25, 0), ComplexDouble(0.9 * cos(0.7), 0.9 * sin(0.7)),
                        ComplexDouble(0.9 * cos(0.7), -0.9 * sin(0.7)), ComplexDouble(2, 0)]
        var coefficients: [ComplexDouble] = [ComplexDouble(1, 0)]
        for root in expected {  // multiply by (z − root)
            var next = coefficients + [ComplexDouble(0, 0)]
            for i in 1..<next.count { next[i] = next[i] - root * coefficients[i - 1] }
            coefficients = next
        }
        let roots = PolynomialRoots.monic(coefficients.dropFirst().map { $0.real })
        #expect(roots.count == expected.count)
        for root in expected {
            #expect(roots.contains { ($0 - root).magnitude < 1e-9 }, "missing root \(root)")
        }
    }

    @Test func polynomialRootsWithZeroAndRepeatedRoots() {
        // z (z − 1)² = z³ − 2z² + z
        let roots = PolynomialRoots.monic([-2, 1, 0])
        #expect(roots.count == 3)
        #expect(roots.contains { $0.magnitude < 1e-12 })
        #expect(roots.filter { ($0 - ComplexDouble(1, 0)).magnitude < 1e-6 }.count == 2)
    }
}

private func - (a: ComplexDouble, b: ComplexDouble) -> ComplexDouble { ComplexDouble(a.real - b.real, a.imaginary - b.imaginary) }
private func * (a: ComplexDouble, b: ComplexDouble) -> ComplexDouble {
    ComplexDouble(a.real * b.real - a.imaginary * b.imaginary, a.real * b.imaginary + a.imaginary * b.real)
}
