import Foundation
import LinearAlgebra
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
}
