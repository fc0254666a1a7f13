import AudioDecoding
import Foundation
import Testing
import TestSupport

@Suite("Band-limited resampling (libsoxr)")
struct ResamplerTests {
    struct Case: Sendable, CustomStringConvertible {
        let from: Int, to: Int, frequency: Double
        var description: String { "\(frequency) Hz, \(from) -> \(to)" }
    }

    /// A sine keeps its frequency (within 0.05%) and amplitude (within 0.1 dB) across the rate change.
    @Test(arguments: [
        Case(from: 8000, to: 16000, frequency: 1000),
        Case(from: 8000, to: 16000, frequency: 3300),   // top of the telephone band
        Case(from: 44100, to: 16000, frequency: 440),
        Case(from: 48000, to: 16000, frequency: 7000),  // close to the new Nyquist (8 kHz)
        Case(from: 22050, to: 16000, frequency: 5000),
    ])
    func keepsFrequencyAndAmplitude(_ c: Case) {
        let input = Signals.sine(frequency: c.frequency, sampleRate: c.from, seconds: 2, amplitude: 0.5)
        let output = Resampler(from: c.from, to: c.to).resample(input)
        #expect(output.count == 2 * c.to)
        let middle = output[(c.to / 4)..<(output.count - c.to / 4)]
        let frequency = Signals.zeroCrossingFrequency(middle, sampleRate: c.to)
        #expect(abs(frequency - c.frequency) / c.frequency < 5e-4, "measured \(frequency) Hz")
        let gainDB = 20 * log10(Signals.rms(middle) / (0.5 / 2.0.squareRoot()))
        #expect(abs(gainDB) < 0.1, "gain \(gainDB) dB")
    }

    /// Content above the new Nyquist frequency is removed, not folded back (what a linear
    /// interpolator gets wrong): a 10 kHz tone resampled from 48 kHz to 16 kHz must vanish.
    @Test func rejectsContentAboveTheNewNyquist() {
        let input = Signals.sine(frequency: 10000, sampleRate: 48000, seconds: 1, amplitude: 0.5)
        let output = Resampler(from: 48000, to: 16000).resample(input)
        let middle = output[4000..<12000]
        let attenuationDB = 20 * log10(Signals.rms(middle) / (0.5 / 2.0.squareRoot()))
        #expect(attenuationDB < -90, "alias at \(attenuationDB) dB")
    }

    /// Sample i of the output sits at time i/out like the input's sample j at j/in: no delay.
    @Test func introducesNoDelay() {
        let input = Signals.sine(frequency: 200, sampleRate: 8000, seconds: 1)
        let output = Resampler(from: 8000, to: 16000).resample(input)
        let expected = Signals.sine(frequency: 200, sampleRate: 16000, seconds: 1)
        let error = zip(output[2000..<14000], expected[2000..<14000]).map { abs($0 - $1) }.max()!
        #expect(error < 1e-3)
    }
}
