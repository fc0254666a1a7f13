import AudioDecoding
import Foundation
import LinearAlgebra
import Testing
import TestSupport
@testable import Training

/// Mean power spectral density (Welch: Hann-windowed 1024-sample frames, hop 512), per bin.
func welchPSD(_ signal: [Float], size: Int = 1024) -> [Double] {
    let fft = RealFFT(size: size)
    var psd = [Double](repeating: 0, count: fft.binCount)
    var frames = 0
    var start = 0
    while start + size <= signal.count {
        for i in 0..<size {
            fft.input[i] = signal[start + i] * Float(0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(size)))
        }
        fft.execute()
        for k in 0..<fft.binCount {
            let re = Double(fft.real(k)), im = Double(fft.imaginary(k))
            psd[k] += re * re + im * im
        }
        frames += 1
        start += size / 2
    }
    return psd.map { $0 / Double(max(frames, 1)) }
}

/// Mean PSD over the bins whose centre frequency lies in `band` (Hz).
func bandLevel(_ psd: [Double], sampleRate: Int, _ band: ClosedRange<Double>) -> Double {
    let size = (psd.count - 1) * 2
    let bins = psd.indices.filter { band.contains(Double($0) * Double(sampleRate) / Double(size)) }
    return bins.map { psd[$0] }.reduce(0, +) / Double(bins.count)
}

/// A voiced-speech-like test signal: a 150 Hz harmonic series with a syllable-rate envelope.
func speechLikeSignal(seconds: Double = 2, sampleRate: Int = 16_000) -> [Float] {
    let n = Int(seconds * Double(sampleRate))
    return (0..<n).map { i in
        let t = Double(i) / Double(sampleRate)
        let envelope = 0.6 + 0.4 * sin(2 * Double.pi * 4 * t)
        var x = 0.0
        for h in 1...12 { x += sin(2 * Double.pi * 150 * Double(h) * t + Double(h)) / Double(h) }
        return Float(0.1 * envelope * x)
    }
}

@Suite("Augmentation: noise, gain, speed, pitch")
struct AugmentationSignalTests {
    @Test(arguments: [Noise.Kind.white, .pink, .babble], [0.0, 10, 20])
    func noiseIsAddedAtTheRequestedSNR(kind: Noise.Kind, snr: Double) {
        let clean = speechLikeSignal()
        var generator = SeededGenerator(seed: 5)
        let pool = [Signals.sine(frequency: 300, sampleRate: 16_000, seconds: 0.7), speechLikeSignal(seconds: 1.3),
                    Signals.sine(frequency: 520, sampleRate: 16_000, seconds: 0.9, amplitude: 0.05)]
        let noise: [Float] = switch kind {
        case .white: Noise.white(count: clean.count, generator: &generator)
        case .pink: Noise.pink(count: clean.count, generator: &generator)
        case .babble: Noise.babble(count: clean.count, talkers: 4, pool: pool, generator: &generator)
        }
        let noisy = Mixing.addNoise(clean, noise: noise, snrDecibels: snr)
        #expect(abs(Mixing.snrDecibels(signal: clean, noisy: noisy) - snr) < 0.5)
    }

    @Test func pinkNoiseFallsThreeDecibelsPerOctave() {
        var generator = SeededGenerator(seed: 11)
        let pink = Noise.pink(count: 16_000 * 8, generator: &generator)
        let psd = welchPSD(pink)
        let octaves = [125.0, 250, 500, 1000, 2000, 4000]
        let levels = octaves.map { 10 * log10(bandLevel(psd, sampleRate: 16_000, $0...(2 * $0))) }
        for (a, b) in zip(levels, levels.dropFirst()) {
            #expect(abs((a - b) - 3.01) < 1.0, "octave step \(a - b) dB")
        }
        #expect(abs(Noise.rms(pink) - 1) < 1e-4)
    }

    @Test func gainScalesByDecibels() {
        let x = speechLikeSignal(seconds: 0.5)
        let louder = Mixing.gain(x, decibels: 6)
        #expect(abs(20 * log10(Noise.rms(louder) / Noise.rms(x)) - 6) < 1e-4)
    }

    @Test func speedPerturbationScalesPitchAndLength() {
        let tone = Signals.sine(frequency: 200, sampleRate: 16_000, seconds: 2)
        let faster = SpeedPerturbation.apply(tone, factor: 1.1, sampleRate: 16_000)
        #expect(abs(Double(faster.count) - Double(tone.count) / 1.1) <= 2)
        let f = Signals.zeroCrossingFrequency(faster[1000..<(faster.count - 1000)], sampleRate: 16_000)
        #expect(abs(f - 220) < 0.5)
    }

    @Test(arguments: [12.0, -3.0, 2.0])
    func pitchShiftKeepsLengthAndMovesPitch(semitones: Double) {
        let tone = Signals.sine(frequency: 200, sampleRate: 16_000, seconds: 1.5)
        let shifted = PitchShift.apply(tone, semitones: semitones, sampleRate: 16_000)
        #expect(shifted.count == tone.count)
        let expected = 200 * pow(2, semitones / 12)
        let middle = shifted[2000..<(shifted.count - 2000)]
        #expect(Signals.toneFraction(Array(middle), frequency: expected, sampleRate: 16_000) > 0.9)
        #expect(abs(Signals.zeroCrossingFrequency(middle, sampleRate: 16_000) - expected) / expected < 0.01)
        // The level survives the overlap-add.
        #expect(abs(Signals.rms(middle) / Signals.rms(tone[...]) - 1) < 0.1)
    }

    @Test func timeStretchChangesLengthNotPitch() {
        let tone = Signals.sine(frequency: 180, sampleRate: 16_000, seconds: 1)
        let slower = TimeStretch.apply(tone, factor: 1.25)
        #expect(slower.count == 20_000)
        #expect(abs(Signals.zeroCrossingFrequency(slower[1000..<19_000], sampleRate: 16_000) - 180) < 1.5)
    }
}
