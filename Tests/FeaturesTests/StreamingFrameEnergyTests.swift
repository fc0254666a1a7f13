import Foundation
import Features
import Testing

@Suite("Streaming frame energy")
struct StreamingFrameEnergyTests {
    /// Any block sizes give exactly the whole-signal energy track.
    @Test(arguments: [1, 7, 160, 401, 16384])
    func matchesTheWholeSignal(blockSize: Int) throws {
        let config = FeatureConfig()
        let extractor = try FeatureExtractor(config: config)
        var state: UInt64 = 99
        let samples: [Float] = (0..<23_457).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Float(Int64(bitPattern: state >> 11) % 1000) / 10000
            return Float(sin(Double(i) * 0.05)) * (i % 8000 < 4000 ? 0.5 : 0.01) + noise
        }
        let expected = extractor.energyDecibels(rms: extractor.rms(samples))
        var streaming = StreamingFrameEnergy(config: config)
        var i = 0
        while i < samples.count {
            streaming.append(Array(samples[i..<min(samples.count, i + blockSize)]))
            i += blockSize
        }
        let got = streaming.finish()
        #expect(got.count == expected.count)
        let error = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(error < 1e-3, "largest difference \(error) dB")
    }
}
