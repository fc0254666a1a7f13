import Foundation
import Testing
@testable import Training

@Suite struct TelephoneChannelTests {
    private func tone(_ hz: Double, seconds: Double = 0.5) -> [Float] {
        (0..<Int(seconds * 16000)).map { Float(0.5 * sin(2 * Double.pi * hz * Double($0) / 16000)) }
    }

    private func rms(_ x: [Float]) -> Double {
        let inner = x[800..<(x.count - 800)]  // skip filter edges
        return (inner.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(inner.count)).squareRoot()
    }

    @Test func keepsTheTelephoneBandAndRemovesTheRest() throws {
        let channel = TelephoneChannel()
        for (hz, kept) in [(1000.0, true), (2500.0, true), (100.0, false), (5000.0, false), (7000.0, false)] {
            let input = tone(hz)
            let output = try channel.apply(input, sampleRate: 16000)
            #expect(output.count == input.count)
            let gain = 20 * log10(rms(output) / rms(input))
            if kept {
                #expect(abs(gain) < 1.5, "\(hz) Hz: \(gain) dB")
            } else {
                #expect(gain < -12, "\(hz) Hz: \(gain) dB")
            }
        }
    }
}
