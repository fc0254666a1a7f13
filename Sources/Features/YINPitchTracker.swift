import LinearAlgebra

/// YIN fundamental-frequency tracking with the exact arithmetic of librosa.yin 0.11: centred
/// zero-padded frames of `pitchFrameLength`, the difference function from the frame's full
/// autocorrelation `d(k) = 2·(r(0) − r(k)) − Σ_{m<k} x(m)²` (librosa's form, including its `d(1)`
/// without the energy term), cumulative mean normalisation, the first trough below the threshold
/// (else the global minimum) and parabolic refinement.
///
/// The autocorrelation is computed with two forward real FFTs of `2 · frameLength` (the power spectrum
/// is real and even, so its inverse transform equals its forward transform divided by the length):
/// no per-frame allocation, plans made once. Not thread-safe.
final class YINPitchTracker {
    let sampleRate: Int
    let framing: CentredFrames
    let minPeriod: Int
    let maxPeriod: Int
    let troughThreshold: Double
    private let transformLength: Int
    private let spectrumFFT: RealFFT
    private let autocorrelationFFT: RealFFT
    /// Scratch: power spectrum (`transformLength/2 + 1`), difference function and its normalisation
    /// (`maxPeriod + 1`), parabolic shifts.
    private let power: UnsafeMutablePointer<Float>
    private let difference: UnsafeMutablePointer<Double>
    private let normalized: UnsafeMutablePointer<Double>
    private let candidateCount: Int

    init(config: FeatureConfig) {
        sampleRate = config.sampleRate
        framing = CentredFrames(frameLength: config.pitchFrameLength, hopLength: config.hopLength)
        let sr = Double(config.sampleRate)
        minPeriod = Int((sr / config.pitchMaxFrequency).rounded(.down))
        maxPeriod = min(Int((sr / config.pitchMinFrequency).rounded(.up)), config.pitchFrameLength - 1)
        troughThreshold = config.pitchTroughThreshold
        transformLength = 2 * config.pitchFrameLength
        spectrumFFT = RealFFT(size: transformLength)
        autocorrelationFFT = RealFFT(size: transformLength)
        power = .allocate(capacity: transformLength / 2 + 1)
        difference = .allocate(capacity: maxPeriod + 1)
        candidateCount = maxPeriod - minPeriod + 1
        normalized = .allocate(capacity: candidateCount)
    }

    deinit {
        power.deallocate()
        difference.deallocate()
        normalized.deallocate()
    }

    func track(_ samples: [Float]) -> PitchTrack {
        let frameCount = framing.frameCount(sampleCount: samples.count)
        var frequencies = [Float](repeating: 0, count: frameCount)
        var aperiodicity = [Float](repeating: 0, count: frameCount)
        var voiced = [Bool](repeating: false, count: frameCount)
        samples.withUnsafeBufferPointer { signal in
            for t in 0..<frameCount {
                let (f0, cmnd, isVoiced) = analyseFrame(t, signal: signal)
                frequencies[t] = f0
                aperiodicity[t] = cmnd
                voiced[t] = isVoiced
            }
        }
        return PitchTrack(frequencies: frequencies, aperiodicity: aperiodicity, voiced: voiced)
    }

    private func analyseFrame(_ t: Int, signal: UnsafeBufferPointer<Float>) -> (Float, Float, Bool) {
        let frameLength = framing.frameLength
        let input = spectrumFFT.input
        framing.copyFrame(t, from: signal, padding: .zeros, into: input)
        for j in frameLength..<transformLength { input[j] = 0 }

        // Energy prefix: difference[k] temporarily holds Σ_{m<k} x(m)² for k ≥ 2 (librosa uses 0 for k = 1).
        var energy = 0.0
        difference[0] = 0
        difference[1] = 0
        energy = Double(input[0]) * Double(input[0])
        for k in 2...maxPeriod {
            energy += Double(input[k - 1]) * Double(input[k - 1])
            difference[k] = energy
        }

        // Autocorrelation r(k) = IDFT(|X|²)(k) = DFT(|X|², even-extended)(k) / length.
        spectrumFFT.execute()
        spectrumFFT.powerSpectrum(into: power)
        let half = transformLength / 2
        let acfInput = autocorrelationFFT.input
        for j in 0...half { acfInput[j] = power[j] }
        for j in 1..<half { acfInput[transformLength - j] = power[j] }
        autocorrelationFFT.execute()
        let scale = 1.0 / Double(transformLength)
        let r0 = Double(autocorrelationFFT.real(0)) * scale

        // Difference function and cumulative mean normalisation.
        var runningSum = 0.0
        for k in 1...maxPeriod {
            let rk = Double(autocorrelationFFT.real(k)) * scale
            let d = 2 * (r0 - rk) - difference[k]
            difference[k] = d
            runningSum += d
            if k >= minPeriod {
                let mean = runningSum / Double(k)
                normalized[k - minPeriod] = d / (mean + Double.leastNormalMagnitude)
            }
        }

        // First trough below the threshold, else the global minimum.
        let n = candidateCount
        var chosen = -1
        for i in 0..<n {
            let x = normalized[i]
            guard x < troughThreshold else { continue }
            let isTrough: Bool
            if i == 0 {
                isTrough = n > 1 && x < normalized[1]
            } else if i == n - 1 {
                isTrough = x < normalized[i - 1]
            } else {
                isTrough = x < normalized[i - 1] && x <= normalized[i + 1]
            }
            if isTrough { chosen = i; break }
        }
        let isVoiced = chosen >= 0
        if !isVoiced {
            chosen = 0
            for i in 1..<n where normalized[i] < normalized[chosen] { chosen = i }
        }

        var shift = 0.0
        if chosen > 0 && chosen < n - 1 {
            let a = normalized[chosen + 1] + normalized[chosen - 1] - 2 * normalized[chosen]
            let b = (normalized[chosen + 1] - normalized[chosen - 1]) / 2
            if abs(b) < abs(a) { shift = -b / a }
        }
        let period = Double(minPeriod + chosen) + shift
        return (Float(Double(sampleRate) / period), Float(normalized[chosen]), isVoiced)
    }
}
