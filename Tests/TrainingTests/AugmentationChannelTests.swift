import AudioDecoding
import Foundation
import LinearAlgebra
import Testing
import TestSupport
@testable import Training

@Suite("Augmentation: telephone channel and mu-law")
struct AugmentationChannelTests {
    @Test func telephoneChannelKeepsOnlyTheTelephoneBand() {
        var generator = SeededGenerator(seed: 3)
        let white = Noise.white(count: 16_000 * 4, generator: &generator).map { $0 * 0.1 }
        let output = TelephoneChannel(sampleRate: 16_000).apply(white)
        #expect(output.count == white.count)
        let psd = welchPSD(Array(output[2000..<(output.count - 2000)]))
        let pass = bandLevel(psd, sampleRate: 16_000, 300...3400)
        let low = 10 * log10(bandLevel(psd, sampleRate: 16_000, 0...200) / pass)
        let high = 10 * log10(bandLevel(psd, sampleRate: 16_000, 4000...8000) / pass)
        #expect(low < -40, "energy below 200 Hz: \(low) dB re pass band")
        #expect(high < -40, "energy above 4 kHz: \(high) dB re pass band")
        // The pass band itself is kept: its level within 1 dB of the input's.
        let inputPass = bandLevel(welchPSD(white), sampleRate: 16_000, 300...3400)
        #expect(abs(10 * log10(pass / inputPass)) < 1)
    }

    @Test func bandPassFilterMeetsItsSpecification() {
        let filter = BandPassFilter(low: 300, high: 3400, transition: 100, attenuation: 70, sampleRate: 8000)
        #expect(filter.taps.count % 2 == 1)
        for f in [350.0, 1000, 2000, 3350] { #expect(abs(20 * log10(filter.gain(at: f))) < 0.05, "\(f) Hz") }
        for f in [0.0, 50, 150, 200, 3500, 3800, 4000] { #expect(20 * log10(filter.gain(at: f)) < -68, "\(f) Hz") }
    }

    @Test func muLawMatchesLibsndfileOnEverySixteenBitValue() throws {
        // Every 16-bit level, plus off-grid values and the clipping range.
        var samples = (-32768...32767).map { Float($0) / 32768 }
        var generator = SeededGenerator(seed: 8)
        samples += (0..<4096).map { _ in Float(generator.uniform(in: -1.2...1.2)) }
        let bytes = try AudioEncoder().encode([samples.map { min(1, max(-1, $0)) }], sampleRate: 8000, format: .wavMuLaw)
        let decoded = try AudioDecoder().decode(bytes).channels[0]
        let ours = MuLaw.roundTrip(samples)
        let mismatches = zip(decoded, ours).filter { $0 != $1 }.count
        #expect(decoded.count == samples.count)
        #expect(mismatches == 0, "\(mismatches) samples differ from libsndfile's mu-law")
    }

    @Test func muLawRoundTripErrorIsBounded() {
        // G.711 segment s (14-bit magnitude + 33 below 64·2^s) has steps of 2^(s+1) and decodes to the
        // step's midpoint, so the error is at most 2^s (plus one unit of rounding) in 14-bit units:
        // ~0.1% of full scale near zero, 1/64 at the top. Above 8159 the codec saturates at ±32124/32768.
        var worstRelative = 0.0
        for v in stride(from: -1.0, through: 1.0, by: 1.0 / 20_000) {
            let x = Float(v)
            let error = Double(abs(MuLaw.decode(MuLaw.encode(x)) - x))
            let units = abs(v) * 8191.75
            if units > 8159 {
                #expect(abs(MuLaw.decode(MuLaw.encode(x))) == Float(32124) / 32768)
                continue
            }
            var segment = 0
            while segment < 7, Int(units.rounded()) + 33 >= 64 << segment { segment += 1 }
            #expect(error <= (Double(1 << segment) + 1) / 8191.75, "x = \(v): error \(error)")
            if abs(v) >= 0.1 { worstRelative = max(worstRelative, error / abs(v)) }
        }
        // Above −20 dBFS the half step is at most ~1/32 of the value (at each segment's start):
        // G.711's roughly constant ~35 dB SNR.
        #expect(worstRelative < 0.033, "largest relative error \(worstRelative)")
        #expect(MuLaw.decode(MuLaw.encode(0)) == 0)
        #expect(MuLaw.encode(1) == 0x80 && MuLaw.encode(-1) == 0x00)
    }
}
