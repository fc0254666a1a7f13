import Foundation
import LinearAlgebra
import Synchronization
import Testing

@Suite("RealFFT (FFTW smoke tests)")
struct RealFFTTests {
    @Test(arguments: [512, 400, 2048])
    func aCosineLandsInItsBin(size: Int) {
        let fft = RealFFT(size: size)
        let bin = 37
        for i in 0..<size { fft.input[i] = cos(2 * Float.pi * Float(bin) * Float(i) / Float(size)) }
        fft.execute()
        var power = [Float](repeating: 0, count: fft.binCount)
        fft.powerSpectrum(into: &power)
        #expect(power.firstIndex(of: power.max()!) == bin)
        // Parseval for a pure cosine: |X[bin]| = N/2.
        #expect(abs(power[bin].squareRoot() - Float(size) / 2) < 1e-2 * Float(size))
        #expect(power[bin + 3] < 1e-6 * power[bin])
    }

    @Test func matchesADirectDFT() {
        let size = 30
        let fft = RealFFT(size: size)
        var generator = SplitMix(seed: 7)
        let signal = (0..<size).map { _ in generator.nextFloat() }
        for i in 0..<size { fft.input[i] = signal[i] }
        fft.execute()
        for k in 0..<fft.binCount {
            var re = 0.0, im = 0.0
            for (n, x) in signal.enumerated() {
                let angle = -2 * Double.pi * Double(k * n) / Double(size)
                re += Double(x) * cos(angle)
                im += Double(x) * sin(angle)
            }
            #expect(abs(Double(fft.real(k)) - re) < 1e-4)
            #expect(abs(Double(fft.imaginary(k)) - im) < 1e-4)
        }
    }

    /// The fused power path and the partial split give the same bins as the full transform, for
    /// sizes with and without the eight-bin SIMD steps, `size/2` even and odd, and an odd size.
    @Test(arguments: [8, 30, 34, 48, 62, 256, 512, 1536, 401])
    func fusedPowerAndPartialBinsMatchTheFullTransform(size: Int) {
        let fft = RealFFT(size: size)
        var generator = SplitMix(seed: UInt64(size))
        let signal = (0..<size).map { _ in generator.nextFloat() }
        for i in 0..<size { fft.input[i] = signal[i] }
        fft.execute()
        var power = [Float](repeating: 0, count: fft.binCount)
        fft.powerSpectrum(into: &power)
        let bins = (0..<fft.binCount).map { (fft.real($0), fft.imaginary($0)) }
        let largest = power.max()!

        for i in 0..<size { fft.input[i] = signal[i] }
        var fused = [Float](repeating: -1, count: fft.binCount)
        fft.executePowerSpectrum(into: &fused)
        for k in 0..<fft.binCount { #expect(abs(fused[k] - power[k]) <= 1e-5 * largest, "bin \(k)") }

        let count = fft.binCount / 3 + 1
        for i in 0..<size { fft.input[i] = signal[i] }
        fft.execute(binsBelow: count)
        for k in 0..<count {
            #expect(fft.real(k) == bins[k].0 && fft.imaginary(k) == bins[k].1, "bin \(k)")
        }
    }

    /// The folded power spectrum is `P[k] ± P[M−k]` of the full transform, `M = size/2`, `k ≤ M/2`.
    @Test(arguments: [8, 30, 34, 48, 62, 256, 512, 1536, 401])
    func foldedPowerMatchesTheFullTransform(size: Int) {
        let fft = RealFFT(size: size)
        var generator = SplitMix(seed: UInt64(size) + 1)
        let signal = (0..<size).map { _ in generator.nextFloat() }
        for i in 0..<size { fft.input[i] = signal[i] }
        fft.execute()
        var power = [Float](repeating: 0, count: fft.binCount)
        fft.powerSpectrum(into: &power)
        let largest = power.max()!
        let m = size / 2
        for i in 0..<size { fft.input[i] = signal[i] }
        var sum = [Float](repeating: -1, count: m / 2 + 1), difference = [Float](repeating: -1, count: m / 2 + 1)
        fft.executeFoldedPowerSpectrum(sum: &sum, difference: &difference)
        for k in 0...(m / 2) {
            #expect(abs(sum[k] - (power[k] + power[m - k])) <= 1e-5 * largest, "bin \(k)")
            #expect(abs(difference[k] - (power[k] - power[m - k])) <= 1e-5 * largest, "bin \(k)")
        }
    }

    /// `executeRealParts` writes exactly the real parts `execute(binsBelow:)` gives.
    @Test(arguments: [8, 30, 62, 256, 512, 401])
    func realPartsAreThoseOfThePartialTransform(size: Int) {
        let fft = RealFFT(size: size)
        var generator = SplitMix(seed: UInt64(size) + 2)
        let signal = (0..<size).map { _ in generator.nextFloat() }
        let count = size / 4 + 3
        for i in 0..<size { fft.input[i] = signal[i] }
        fft.execute(binsBelow: count)
        let expected = (0..<count).map { fft.real($0) }
        for i in 0..<size { fft.input[i] = signal[i] }
        var real = [Float](repeating: -1, count: count)
        fft.executeRealParts(binsBelow: count, into: &real)
        #expect(real == expected)
    }

    /// One plan executed by many instances on many threads at once (FFTW's new-array execute) gives
    /// each the result it gets alone.
    @Test(arguments: [256, 401])
    func aSharedPlanRunsOnManyThreadsAtOnce(size: Int) {
        let plan = RealFFTPlan(size: size, planning: .measure)
        let signals: [[Float]] = (0..<8).map { s in
            var generator = SplitMix(seed: UInt64(size * 10 + s))
            return (0..<size).map { _ in generator.nextFloat() }
        }
        @Sendable func power(_ fft: RealFFT, _ signal: [Float]) -> [Float] {
            for i in 0..<size { fft.input[i] = signal[i] }
            var power = [Float](repeating: 0, count: fft.binCount)
            fft.executePowerSpectrum(into: &power)
            return power
        }
        let alone = signals.map { power(RealFFT(plan: plan), $0) }
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 16) { thread in
            let fft = RealFFT(plan: plan)
            for round in 0..<200 {
                let s = (thread + round) % signals.count
                if power(fft, signals[s]) != alone[s] { mismatches.withLock { $0 += 1 } }
            }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }
}
