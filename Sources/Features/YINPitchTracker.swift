import Foundation
import LinearAlgebra

/// YIN fundamental-frequency tracking with the exact arithmetic of librosa.yin 0.11: centred
/// zero-padded frames of `pitchFrameLength`, the difference function from the frame's full
/// autocorrelation `d(k) = 2·(r(0) − r(k)) − Σ_{m<k} x(m)²` (librosa's form, including its `d(1)`
/// without the energy term), cumulative mean normalisation, the first trough below the threshold
/// (else the global minimum) and parabolic refinement.
///
/// The autocorrelation (lags `0...maxPeriod`) comes from two forward real FFTs per frame: the power
/// spectrum of the frame zero-padded to `L ≥ frameLength + maxPeriod` (so circular wrap-around never
/// reaches the lags used), then its inverse transform — a DCT-I of the `L/2 + 1` real, even bins —
/// computed with one real FFT of `L/2` (see `autocorrelation(fromPower:)`). No per-frame allocation,
/// plans made once. Not thread-safe.
final class YINPitchTracker {
    let sampleRate: Int
    let framing: CentredFrames
    let minPeriod: Int
    let maxPeriod: Int
    let troughThreshold: Double
    /// `L`: the smallest 2^a or 3·2^a ≥ frameLength + maxPeriod.
    let transformLength: Int
    private let spectrumFFT: RealFFT
    /// Real FFT of `L/2` for the DCT-I.
    private let halfFFT: RealFFT
    /// `sin(πj/M)` and `cos(πj/M)`, `j < M = L/2`.
    private let sineTable: [Float]
    private let cosineTable: [Float]
    /// Autocorrelation `r(0...maxPeriod)`, Double.
    private let autocorrelation: UnsafeMutablePointer<Double>
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
        transformLength = Self.fastLength(atLeast: config.pitchFrameLength + maxPeriod)
        spectrumFFT = RealFFT(size: transformLength)
        let half = transformLength / 2
        halfFFT = RealFFT(size: half)
        sineTable = (0..<half).map { Float(sin(Double.pi * Double($0) / Double(half))) }
        cosineTable = (0..<half).map { Float(cos(Double.pi * Double($0) / Double(half))) }
        autocorrelation = .allocate(capacity: maxPeriod + 2)
        power = .allocate(capacity: transformLength / 2 + 1)
        difference = .allocate(capacity: maxPeriod + 1)
        candidateCount = maxPeriod - minPeriod + 1
        normalized = .allocate(capacity: candidateCount)
    }

    /// Smallest `2^a` or `3 · 2^a` (a ≥ 2) that is ≥ `minimum`: FFTW's fastest sizes, and `L/2` stays
    /// as friendly for the half-size transform.
    static func fastLength(atLeast minimum: Int) -> Int {
        var power = 4
        while true {
            if power >= minimum { return power }
            if 3 * power / 2 >= minimum && (3 * power / 2) % 4 == 0 { return 3 * power / 2 }
            power *= 2
        }
    }

    deinit {
        autocorrelation.deallocate()
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

    /// `r(k) = (1/L)·Σ_j P[j]·cos(2πjk/L)` for `k ≤ maxPeriod` from the `M + 1 = L/2 + 1` power bins
    /// (the inverse DFT of a real, even spectrum, i.e. a DCT-I), with one real FFT of size `M`:
    /// - even lags: with `a[0] = P[0] + P[M]`, `a[j] = P[j] + P[M−j]` (symmetric, so its DFT is real),
    ///   `L·r(2m) = Re DFT(a)[m]`;
    /// - odd lags: with `b[j] = P[j] − P[M−j]` and `s[j] = b[j]·sin(πj/M)` (antisymmetric, so its DFT
    ///   is imaginary), `cos((2m+1)θ) − cos((2m−1)θ) = −2·sin(2mθ)·sin θ` gives the recurrence
    ///   `L·r(2m+1) = L·r(2m−1) + 2·Im DFT(s)[m]`, started from
    ///   `L·r(1) = P[0] − P[M] + Σ_{j≥1} b[j]·cos(πj/M)`.
    /// One FFT of `a + s` yields both (real part: `DFT(a)`, imaginary part: `DFT(s)`).
    private func autocorrelationFromPower() {
        let m = transformLength / 2
        let input = halfFFT.input
        let p0 = power[0], pm = power[m]
        input[0] = p0 + pm
        // Four Double accumulators break the add-latency chain of the odd-lag start value.
        var odd0 = Double(p0 - pm), odd1 = 0.0, odd2 = 0.0, odd3 = 0.0
        sineTable.withUnsafeBufferPointer { sine in
            cosineTable.withUnsafeBufferPointer { cosine in
                for j in 1..<m {
                    let forward = power[j], mirrored = power[m - j]
                    input[j] = (forward + mirrored) + (forward - mirrored) * sine[j]
                }
                var j = 1
                while j + 3 < m {
                    odd0 += Double((power[j] - power[m - j]) * cosine[j])
                    odd1 += Double((power[j + 1] - power[m - j - 1]) * cosine[j + 1])
                    odd2 += Double((power[j + 2] - power[m - j - 2]) * cosine[j + 2])
                    odd3 += Double((power[j + 3] - power[m - j - 3]) * cosine[j + 3])
                    j += 4
                }
                while j < m { odd0 += Double((power[j] - power[m - j]) * cosine[j]); j += 1 }
            }
        }
        var odd = (odd0 + odd1) + (odd2 + odd3)
        halfFFT.execute()
        let scale = 1.0 / Double(transformLength)
        let lastPair = (maxPeriod + 1) / 2
        for pair in 0...lastPair {
            if pair > 0 { odd += 2 * Double(halfFFT.imaginary(pair)) }
            let even = 2 * pair
            if even <= maxPeriod { autocorrelation[even] = Double(halfFFT.real(pair)) * scale }
            if even + 1 <= maxPeriod + 1 { autocorrelation[even + 1] = odd * scale }
        }
    }

    private func analyseFrame(_ t: Int, signal: UnsafeBufferPointer<Float>) -> (Float, Float, Bool) {
        let frameLength = framing.frameLength
        let input = spectrumFFT.input
        framing.copyFrame(t, from: signal, padding: .zeros, into: input)
        for j in frameLength..<transformLength { input[j] = 0 }

        // difference[k] temporarily holds x(k−1)² (k ≥ 1); the prefix Σ_{m<k} x(m)² is accumulated in
        // the difference loop below, in parallel with the cumulative mean (FFTW may overwrite `input`).
        for k in 1...maxPeriod { difference[k] = Double(input[k - 1]) * Double(input[k - 1]) }

        spectrumFFT.execute()
        spectrumFFT.powerSpectrum(into: power)
        autocorrelationFromPower()
        let r0 = autocorrelation[0]

        // Difference function d(k) = 2·(r(0) − r(k)) − Σ_{m<k} x(m)² (librosa leaves the sum out for
        // k = 1) and cumulative mean normalisation.
        var runningSum = 0.0
        var energy = 0.0  // Σ_{m<k} x(m)² after adding difference[k] = x(k−1)²
        for k in 1...maxPeriod {
            energy += difference[k]
            let d = 2 * (r0 - autocorrelation[k]) - (k >= 2 ? energy : 0)
            runningSum += d
            if k >= minPeriod {
                // d / (runningSum/k + tiny), with one division instead of two.
                normalized[k - minPeriod] = d * Double(k) / (runningSum + Double(k) * Double.leastNormalMagnitude)
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
