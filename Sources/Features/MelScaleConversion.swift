#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hz ↔ mel conversions, bit-for-bit the formulas of librosa.hz_to_mel / mel_to_hz (in Double).
extension MelScale {
    /// Slaney: 200/3 Hz per mel below 1 kHz.
    private static let linearHzPerMel = 200.0 / 3.0
    /// Slaney: start of the logarithmic region, Hz, and its value in mels (15).
    private static let logRegionStartHz = 1000.0
    private static let logRegionStartMel = 1000.0 / linearHzPerMel
    /// Slaney: log(6.4) / 27 — 27 mels per factor of 6.4 in frequency above 1 kHz.
    private static let logStep = log(6.4) / 27.0

    /// The mel value of `frequency` Hz.
    public func mel(fromHertz frequency: Double) -> Double {
        switch self {
        case .htk:
            return 2595.0 * log10(1.0 + frequency / 700.0)
        case .slaney:
            if frequency >= Self.logRegionStartHz {
                return Self.logRegionStartMel + log(frequency / Self.logRegionStartHz) / Self.logStep
            }
            return frequency / Self.linearHzPerMel
        }
    }

    /// The frequency in Hz of `mel`.
    public func hertz(fromMel mel: Double) -> Double {
        switch self {
        case .htk:
            return 700.0 * (pow(10.0, mel / 2595.0) - 1.0)
        case .slaney:
            if mel >= Self.logRegionStartMel {
                return Self.logRegionStartHz * exp(Self.logStep * (mel - Self.logRegionStartMel))
            }
            return Self.linearHzPerMel * mel
        }
    }

    /// `count` frequencies (Hz) equally spaced in mels from `low` to `high` Hz inclusive
    /// (librosa.mel_frequencies; the spacing follows numpy.linspace so the last point is exact).
    public func frequencies(count: Int, from low: Double, to high: Double) -> [Double] {
        let lowMel = mel(fromHertz: low), highMel = mel(fromHertz: high)
        guard count > 1 else { return count == 1 ? [hertz(fromMel: lowMel)] : [] }
        let step = (highMel - lowMel) / Double(count - 1)
        return (0..<count).map { i in
            hertz(fromMel: i == count - 1 ? highMel : lowMel + Double(i) * step)
        }
    }
}

/// Centre frequency of each FFT bin, Hz: `k · sampleRate / fftLength` for `k` in `0...fftLength/2`
/// (numpy.fft.rfftfreq, which librosa.fft_frequencies uses).
func fftBinFrequencies(sampleRate: Int, fftLength: Int) -> [Double] {
    let spacing = 1.0 / (Double(fftLength) * (1.0 / Double(sampleRate)))
    return (0...(fftLength / 2)).map { Double($0) * spacing }
}
