import Foundation

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

    /// `signal` convolved with `impulseResponse` (direct form, the first `signal.count` samples, so the
    /// length is kept), at the input's RMS.
    public static func apply(_ signal: [Float], impulseResponse: [Float]) -> [Float] {
        guard !signal.isEmpty, !impulseResponse.isEmpty else { return signal }
        let n = signal.count
        var output = [Float](repeating: 0, count: n)
        signal.withUnsafeBufferPointer { x in
            impulseResponse.withUnsafeBufferPointer { h in
                output.withUnsafeMutableBufferPointer { y in
                    // y[i + k] += x[i] · h[k]: the inner loop runs over contiguous outputs and vectorises.
                    for i in 0..<n where x[i] != 0 {
                        let xi = x[i], taps = min(h.count, n - i)
                        let target = y.baseAddress! + i
                        for k in 0..<taps { target[k] += xi * h[k] }
                    }
                }
            }
        }
        let before = Noise.rms(signal), after = Noise.rms(output)
        guard before > 0, after > 0 else { return output }
        let gain = Float(before / after)
        return output.map { $0 * gain }
    }
}
