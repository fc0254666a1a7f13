#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
/// computed with one real FFT of `L/2` (see `autocorrelationFromPower()`). No per-frame allocation,
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
    /// Scratch: the power spectrum folded about bin `M/2` (`P[k] ± P[M−k]`, `k ≤ M/2`, `M = L/2`; see
    /// `RealFFT.executeFoldedPowerSpectrum`), difference function and its normalisation (`maxPeriod + 1`).
    private let foldedPowerSum: UnsafeMutablePointer<Float>
    private let foldedPowerDifference: UnsafeMutablePointer<Float>
    private let difference: UnsafeMutablePointer<Double>
    private let normalized: UnsafeMutablePointer<Double>
    /// Scratch: the running sum `Σ_{j≤k} d(j)` of the cumulative mean, `maxPeriod + 1`.
    private let cumulative: UnsafeMutablePointer<Double>
    private let candidateCount: Int

    /// Longest period searched, samples: one period of the lowest pitch, within the frame.
    static func maxPeriod(config: FeatureConfig) -> Int {
        min(Int((Double(config.sampleRate) / config.pitchMinFrequency).rounded(.up)), config.pitchFrameLength - 1)
    }

    /// `L` for `config` (see `transformLength`).
    static func transformLength(config: FeatureConfig) -> Int {
        fastLength(atLeast: config.pitchFrameLength + maxPeriod(config: config))
    }

    init(config: FeatureConfig, fftPlanning: FFTPlanning) {
        sampleRate = config.sampleRate
        framing = CentredFrames(frameLength: config.pitchFrameLength, hopLength: config.hopLength)
        let sr = Double(config.sampleRate)
        minPeriod = Int((sr / config.pitchMaxFrequency).rounded(.down))
        maxPeriod = Self.maxPeriod(config: config)
        troughThreshold = config.pitchTroughThreshold
        transformLength = Self.transformLength(config: config)
        spectrumFFT = RealFFT(size: transformLength, planning: fftPlanning)
        let half = transformLength / 2
        halfFFT = RealFFT(size: half, planning: fftPlanning)
        sineTable = (0..<half).map { Float(sin(Double.pi * Double($0) / Double(half))) }
        cosineTable = (0..<half).map { Float(cos(Double.pi * Double($0) / Double(half))) }
        autocorrelation = .allocate(capacity: maxPeriod + 2)
        foldedPowerSum = .allocate(capacity: transformLength / 4 + 1)
        foldedPowerDifference = .allocate(capacity: transformLength / 4 + 1)
        difference = .allocate(capacity: maxPeriod + 1)
        candidateCount = maxPeriod - minPeriod + 1
        normalized = .allocate(capacity: candidateCount)
        cumulative = .allocate(capacity: maxPeriod + 1)
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
        foldedPowerSum.deallocate()
        foldedPowerDifference.deallocate()
        difference.deallocate()
        normalized.deallocate()
        cumulative.deallocate()
    }

    func track(_ samples: [Float]) -> PitchTrack {
        let frameCount = framing.frameCount(sampleCount: samples.count)
        var frequencies = [Float](repeating: 0, count: frameCount)
        var aperiodicity = [Float](repeating: 0, count: frameCount)
        var voiced = [Bool](repeating: false, count: frameCount)
        samples.withUnsafeBufferPointer { signal in
            for t in 0..<frameCount {
                let (f0, cmnd, isVoiced) = analyzeFrame(t, signal: signal)
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
    ///   `L·r(1) = P[0] − P[M] + Σ_{j≥1} b[j]·cos(πj/M) = P[0] − P[M] + 2·Σ_{j≥1} P[j]·cos(πj/M)`.
    /// One FFT of `a + s` yields both (real part: `DFT(a)`, imaginary part: `DFT(s)`).
    private func autocorrelationFromPower() {
        let m = transformLength / 2, half = m / 2  // L is a multiple of 4 (see `fastLength`)
        let input = halfFFT.input
        let sums = foldedPowerSum, differences = foldedPowerDifference
        spectrumFFT.executeFoldedPowerSpectrum(sum: sums, difference: differences)
        input[0] = sums[0]  // P[0] + P[M]
        var odd = Double(differences[0])  // P[0] − P[M]
        sineTable.withUnsafeBufferPointer { sine in
            cosineTable.withUnsafeBufferPointer { cosine in
                // With the folded power `a[k] = P[k] + P[M−k]`, `b[k] = P[k] − P[M−k]` (k ≤ M/2):
                // input[k] = a[k] + b[k]·sin(πk/M) and input[M−k] = a[k] − b[k]·sin(πk/M) (a symmetric,
                // s antisymmetric about M/2), eight k per step, the mirrored block stored reversed.
                // In the same pass Σ_{j≥1} b[j]·cos(πj/M) = 2·Σ_{j≥1} P[j]·cos(πj/M)
                // = 2·(Σ_{1≤k<M/2} b[k]·cos(πk/M) + P[M/2]·cos(π/2)), since cos(π(M−k)/M) = −cos(πk/M):
                // eight Float lanes, each summing ≤ M/16 products, then combined in Double. The lanes'
                // rounding (~1e-7 of the terms) stays below the FFT's own float32 error.
                let sumRaw = UnsafeRawPointer(sums), differenceRaw = UnsafeRawPointer(differences)
                let sines = UnsafeRawPointer(sine.baseAddress!), cosines = UnsafeRawPointer(cosine.baseAddress!)
                let output = UnsafeMutableRawPointer(input)
                var lanes = SIMD8<Float>()
                var k = 1
                while k + 8 <= half {
                    let a = sumRaw.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
                    let b = differenceRaw.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
                    let s = b * sines.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
                    output.storeBytes(of: a + s, toByteOffset: 4 * k, as: SIMD8<Float>.self)
                    let mirrored = a - s  // lane l is input[M − k − l]
                    output.storeBytes(of: SIMD8<Float>(mirrored[7], mirrored[6], mirrored[5], mirrored[4],
                                                       mirrored[3], mirrored[2], mirrored[1], mirrored[0]),
                                      toByteOffset: 4 * (m - k - 7), as: SIMD8<Float>.self)
                    lanes += b * cosines.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
                    k += 8
                }
                var cosineSum = 0.0
                for lane in 0..<8 { cosineSum += Double(lanes[lane]) }
                while k < half {
                    let s = differences[k] * sine[k]
                    input[k] = sums[k] + s
                    input[m - k] = sums[k] - s
                    cosineSum += Double(differences[k] * cosine[k])
                    k += 1
                }
                // The middle bin, its own mirror: a = 2·P[M/2], b = 0 (up to rounding).
                input[half] = sums[half] + differences[half] * sine[half]
                cosineSum += Double(sums[half] * 0.5 * cosine[half])
                odd += 2 * cosineSum
            }
        }
        let lastPair = (maxPeriod + 1) / 2
        halfFFT.execute(binsBelow: lastPair + 1)  // bins 0...lastPair give lags 0...maxPeriod + 1
        let scale = 1.0 / Double(transformLength)
        for pair in 0...lastPair {
            if pair > 0 { odd += 2 * Double(halfFFT.imaginary(pair)) }
            let even = 2 * pair
            if even <= maxPeriod { autocorrelation[even] = Double(halfFFT.real(pair)) * scale }
            if even + 1 <= maxPeriod + 1 { autocorrelation[even + 1] = odd * scale }
        }
    }

    /// Index of the first smallest of `normalized[0..<count]`, as the scalar scan
    /// `for i in 1..<count where x[i] < x[chosen] { chosen = i }` finds it (NaNs never win; a NaN
    /// at index 0 keeps 0): the minimum in four Double lanes, then the first index holding it.
    private func firstGlobalMinimum(count: Int) -> Int {
        let values = normalized
        var smallest = values[0]
        var i = 1
        if count >= 9 {
            var lanes = SIMD4<Double>(repeating: smallest)
            let raw = UnsafeRawPointer(values)
            while i + 4 <= count {
                let x = raw.loadUnaligned(fromByteOffset: 8 * i, as: SIMD4<Double>.self)
                lanes = lanes.replacing(with: x, where: x .< lanes)
                i += 4
            }
            for lane in 0..<4 where lanes[lane] < smallest { smallest = lanes[lane] }
        }
        while i < count {
            if values[i] < smallest { smallest = values[i] }
            i += 1
        }
        // The first index holding it: four lanes compared per step, then the block scanned.
        var j = 0
        let target = SIMD4<Double>(repeating: smallest)
        while j + 4 <= count && !any(UnsafeRawPointer(values + j).loadUnaligned(as: SIMD4<Double>.self) .== target) { j += 4 }
        while j < count {
            if values[j] == smallest { return j }
            j += 1
        }
        return 0
    }

    private func analyzeFrame(_ t: Int, signal: UnsafeBufferPointer<Float>) -> (Float, Float, Bool) {
        let frameLength = framing.frameLength
        let input = spectrumFFT.input
        framing.copyFrame(t, from: signal, padding: .zeros, into: input)
        for j in frameLength..<transformLength { input[j] = 0 }

        // difference[k] temporarily holds x(k−1)² (k ≥ 1); the prefix Σ_{m<k} x(m)² is accumulated in
        // the difference loop below, in parallel with the cumulative mean (FFTW may overwrite `input`).
        for k in 1...maxPeriod { difference[k] = Double(input[k - 1]) * Double(input[k - 1]) }

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
            difference[k] = d
            cumulative[k] = runningSum
        }
        // d / (runningSum/k + tiny) with one division instead of two, in a separate branch-free pass
        // (vectorisable: the divisions no longer sit on the running sum's dependency chain).
        let tiny = Double.leastNormalMagnitude
        var k = minPeriod
        let differences = UnsafeRawPointer(difference), sums = UnsafeRawPointer(cumulative)
        let output = UnsafeMutableRawPointer(normalized)
        var lags = SIMD4<Double>(0, 1, 2, 3) + Double(k)
        while k + 4 <= maxPeriod + 1 {
            let d = differences.loadUnaligned(fromByteOffset: 8 * k, as: SIMD4<Double>.self)
            let sum = sums.loadUnaligned(fromByteOffset: 8 * k, as: SIMD4<Double>.self)
            output.storeBytes(of: d * lags / (sum + lags * tiny), toByteOffset: 8 * (k - minPeriod), as: SIMD4<Double>.self)
            lags += 4
            k += 4
        }
        while k <= maxPeriod {
            let kk = Double(k)
            normalized[k - minPeriod] = difference[k] * kk / (cumulative[k] + kk * tiny)
            k += 1
        }

        // First trough below the threshold, else the global minimum.
        let n = candidateCount
        var chosen = -1
        let threshold = SIMD4<Double>(repeating: troughThreshold)
        var i = 0
        while i < n {
            // Skip four candidates at a time while none is below the threshold.
            if i + 4 <= n && !any(UnsafeRawPointer(normalized + i).loadUnaligned(as: SIMD4<Double>.self) .< threshold) {
                i += 4
                continue
            }
            let candidate = i
            i += 1
            let x = normalized[candidate]
            guard x < troughThreshold else { continue }
            let isTrough: Bool
            if candidate == 0 {
                isTrough = n > 1 && x < normalized[1]
            } else if candidate == n - 1 {
                isTrough = x < normalized[candidate - 1]
            } else {
                isTrough = x < normalized[candidate - 1] && x <= normalized[candidate + 1]
            }
            if isTrough { chosen = candidate; break }
        }
        let isVoiced = chosen >= 0
        if !isVoiced { chosen = firstGlobalMinimum(count: n) }

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
