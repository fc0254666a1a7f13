@testable import Features
import Foundation
import Synchronization
import Testing

/// The speech detector's pieces against independent references: the decimator against scipy
/// (`scripts/fixtures/make-decimator-fixture.py`), and the process-wide shared tables and FFT plan
/// used by many detectors on many threads at once.
@Suite("Speech detector kernels")
struct SpeechDetectorKernelTests {
    struct DecimatorFixture: Decodable {
        var taps: [Double]
        var input: [Float]
        var output: [Double]
        var gainFrequencies: [Double]
        var gainDecibels: [Double]
    }

    static let decimatorFixture: DecimatorFixture = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/decimator.json")
        return try! JSONDecoder().decode(DecimatorFixture.self, from: Data(contentsOf: url))
    }()

    @Test("the decimator's taps are scipy's float64 design, rounded to float32")
    func tapsMatchTheDesign() {
        let taps = DecimatingLowpass.taps(), reference = Self.decimatorFixture.taps
        #expect(taps.count == reference.count)
        for (k, (t, r)) in zip(taps, reference).enumerated() { #expect(t == Float(r), "tap \(k)") }
        // The documented response: flat to 1 kHz, −10 dB at the top bin used (1844 Hz), −26 dB at
        // its alias (2156 Hz), −44 dB and below from 2.5 kHz.
        let gains = Self.decimatorFixture.gainDecibels
        #expect(abs(gains[2]) < 0.1 && abs(gains[4] + 10) < 0.1 && gains[5] < -25 && gains[6...].allSatisfy { $0 < -44 })
    }

    @Test("decimating in any call sizes gives scipy's lfilter(h, 1, x)[::4]", arguments: [[72, 40, 8], [8], [16, 72, 24]])
    func decimatorMatchesScipy(callSizes: [Int]) {
        let fixture = Self.decimatorFixture
        let decimator = DecimatingLowpass()
        // x[i] = 0 before the first sample; room for the decimator's reads past the end.
        let padded = [Float](repeating: 0, count: DecimatingLowpass.history) + fixture.input
            + [Float](repeating: 0, count: 4 * DecimatingLowpass.maximumOutputs + DecimatingLowpass.readPastEnd)
        var output: [Float] = [], m = 0, call = 0
        var batch = [Float](repeating: 0, count: DecimatingLowpass.maximumOutputs)
        while m < fixture.output.count {
            let count = callSizes[call % callSizes.count]
            call += 1
            padded.withUnsafeBufferPointer { x in
                batch.withUnsafeMutableBufferPointer { decimator.decimate(x.baseAddress! + 4 * m, count: count, into: $0.baseAddress!) }
            }
            output += batch.prefix(count)
            m += count
        }
        // Float32 sums of 41 products of values up to ~1: a few ulps of the output's scale.
        let largest = fixture.output.map(abs).max()!
        for (i, (y, r)) in zip(output, fixture.output).enumerated() {
            #expect(abs(Double(y) - r) <= 1e-6 * largest, "output \(i): \(y) vs \(r)")
        }
    }

    @Test("every detector shares the process's tables and FFT plan")
    func resourcesAreShared() {
        let a = SpeechDetectorResources.shared, b = SpeechDetectorResources.shared
        #expect(a === b)
    }

    @Test("detectors on many threads at once decide as one thread does")
    func concurrentDetectorsAgree() {
        let signals: [[Float]] = (0..<8).map { i in
            let (speech, _) = SpeechSignals.syllables(seconds: 5, seed: 300 + UInt64(i))
            let noise = i % 2 == 0 ? SpeechSignals.pink(seconds: 5, rms: 0.004, seed: 400 + UInt64(i))
                                   : SpeechSignals.white(seconds: 5, rms: 0.003, seed: 400 + UInt64(i))
            return zip(speech, noise).map { $0 + $1 }
        }
        let serial = signals.map { SpeechDetector.detect($0) }
        let results = Mutex<[Int: [Bool]]>([:])
        DispatchQueue.concurrentPerform(iterations: 32) { iteration in
            let i = iteration % signals.count
            // Streamed in 20 ms blocks, as a live call, interleaving with the other threads.
            let detector = SpeechDetector()
            var decisions: [Bool] = []
            signals[i].withUnsafeBufferPointer { all in
                for start in stride(from: 0, to: all.count, by: 320) {
                    detector.push(UnsafeBufferPointer(rebasing: all[start..<min(all.count, start + 320)]), into: &decisions)
                }
            }
            detector.finish(into: &decisions)
            if decisions != serial[i] { results.withLock { $0[iteration] = decisions } }
        }
        #expect(results.withLock { $0.isEmpty }, "threads whose decisions differ: \(results.withLock { $0.keys.sorted() })")
    }
}
