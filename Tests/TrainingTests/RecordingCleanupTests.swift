import Foundation
import Testing
@testable import Training

@Suite struct RecordingCleanupTests {
    /// 0.5 s of digital silence, 1 s of a 220 Hz tone, 0.8 s of digital silence.
    private func recording() -> [Float] {
        [Float](repeating: 0, count: 8000) + (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 220 * Double($0) / 16000)) }
            + [Float](repeating: 0, count: 12800)
    }

    @Test func trimsEdgeSilenceKeepingAMargin() {
        let cleaned = RecordingCleanup(trimDecibels: 50, marginSeconds: 0.15, ditherDecibels: nil).apply(recording(), sampleRate: 16000, seed: 1)
        // 1 s of tone plus 0.15 s either side (± one 10 ms frame of rounding).
        #expect(abs(cleaned.count - 20800) <= 160, "\(cleaned.count) samples")
        #expect(cleaned.prefix(2400).allSatisfy { $0 == 0 })
        #expect(cleaned[2400 + 160..<2400 + 16000 - 160].contains { $0 != 0 })
    }

    @Test func ditherReplacesDigitalSilenceAtTheRequestedLevel() {
        let cleanup = RecordingCleanup(trimDecibels: 0, ditherDecibels: -60)
        let cleaned = cleanup.apply([Float](repeating: 0, count: 32000), sampleRate: 16000, seed: 3)
        let rms = (cleaned.reduce(0.0) { $0 + Double($1 * $1) } / Double(cleaned.count)).squareRoot()
        #expect(abs(20 * log10(rms) + 60) < 0.5)
        #expect(cleanup.apply([Float](repeating: 0, count: 100), sampleRate: 16000, seed: 3)
                == cleanup.apply([Float](repeating: 0, count: 100), sampleRate: 16000, seed: 3))
    }
}
