import Foundation
import LinearAlgebra

/// A room's reverberation: the signal convolved with a synthetic impulse response of reverberation
/// time RT60 (the time the reverberant energy takes to fall by 60 dB).
///
/// The impulse response is the statistical model of a diffuse late field (Polack): the direct path
/// (1 at lag 0) plus Gaussian noise under an exponential envelope `exp(−6.91·n / (RT60·fs))`, whose
/// energy falls 60 dB over RT60 (20·log10(e^−6.91) = −60), cut at RT60. The reverberant tail's energy
/// is scaled to `reverberantToDirectDecibels` re the direct path (0 dB by default: a talker a few
/// metres from the microphone in a room, beyond the critical distance for RT60 ≥ 0.3 s).
/// The output is rescaled to the input's RMS, so only the reverberation changes, not the level.
public enum Reverberation {
    /// The impulse response, `Int(rt60Seconds · sampleRate)` samples (at least 1).
    public static func impulseResponse(rt60Seconds: Double, sampleRate: Int, reverberantToDirectDecibels: Double = 0,
                                       generator: inout SeededGenerator) -> [Float] {
        let length = max(1, Int(rt60Seconds * Double(sampleRate)))
        var response = [Float](repeating: 0, count: length)
        guard length > 1 else { return [1] }
        let decay = 6.907_755 / (rt60Seconds * Double(sampleRate))
        var tailEnergy = 0.0
        for n in 1..<length {
            let value = generator.gaussian() * exp(-decay * Double(n))
            response[n] = Float(value)
            tailEnergy += value * value
        }
        let scale = tailEnergy > 0 ? Float((pow(10, reverberantToDirectDecibels / 10) / tailEnergy).squareRoot()) : 0
        for n in 1..<length { response[n] *= scale }
        response[0] = 1
        return response
    }

    /// `signal` convolved with `impulseResponse` (the first `signal.count` samples, so the length is
    /// kept), at the input's RMS. Fast convolution: y = IDFT(DFT(x) · DFT(h)) over N ≥ n + L − 1 points
    /// (no wrap-around into the kept samples), with only forward real FFTs: for the Hermitian spectrum
    /// Z = A + iB (A even, B odd, both real), N·y[n] = DFT(A)[N − n] + i·DFT(B)[N − n], where DFT(A) is
    /// real and even and DFT(B) imaginary and odd.
    public static func apply(_ signal: [Float], impulseResponse: [Float]) -> [Float] {
        guard !signal.isEmpty, !impulseResponse.isEmpty else { return signal }
        let n = signal.count
        var size = 1
        while size < n + impulseResponse.count - 1 { size *= 2 }
        size = max(size, 4)
        let fft = RealFFT(size: size)
        let bins = fft.binCount
        func spectrum(_ values: [Float]) -> (re: [Float], im: [Float]) {
            for i in 0..<size { fft.input[i] = i < values.count ? values[i] : 0 }
            fft.execute()
            return ((0..<bins).map { fft.real($0) }, (0..<bins).map { fft.imaginary($0) })
        }
        let x = spectrum(signal), h = spectrum(impulseResponse)
        // Z = X · H on the bins 0…N/2; the rest follow by symmetry.
        let zRe = (0..<bins).map { x.re[$0] * h.re[$0] - x.im[$0] * h.im[$0] }
        let zIm = (0..<bins).map { x.re[$0] * h.im[$0] + x.im[$0] * h.re[$0] }
        let a = spectrum((0..<size).map { $0 < bins ? zRe[$0] : zRe[size - $0] }).re
        let b = spectrum((0..<size).map { $0 < bins ? zIm[$0] : -zIm[size - $0] }).im
        let scale = 1 / Float(size)
        let output = (0..<n).map { index -> Float in
            let j = (size - index) % size
            let (real, imaginary) = j < bins ? (a[j], b[j]) : (a[size - j], -b[size - j])
            return (real - imaginary) * scale
        }
        let before = Noise.rms(signal), after = Noise.rms(output)
        guard before > 0, after > 0 else { return output }
        let gain = Float(before / after)
        return output.map { $0 * gain }
    }
}
