#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming 4:1 decimation with an anti-aliasing FIR low-pass, 16 kHz → 4 kHz for the speech
/// detector (which looks at 0-2 kHz only: voicing, formant 1-2 energy and the call-progress tones all
/// live there).
///
/// Output `y[m] = Σ_{k<41} h[k]·x[4m − k]` with `x[i] = 0` for `i < 0`: a Hann-windowed sinc of 41
/// taps cut at 1.7 kHz (16 kHz input), unit gain at DC. Linear phase, so `y[m]` describes the input
/// around sample `4m − delay` (`delay` = 20 input samples, 1.25 ms). Any block sizes give the same
/// output sample for sample (each output is one fixed dot product over the same inputs). Holds the last
/// 40 input samples; no allocation after `init`. Not thread-safe.
final class DecimatingLowpass {
    static let factor = 4
    static let tapCount = 41
    /// Group delay, input samples: `(tapCount − 1) / 2`.
    static let delay = 20
    /// Largest block processed in one pass (longer pushes are cut into such blocks).
    static let chunkLength = 1024

    /// Taps in reverse order, so `y` is a forward dot product over the history (`tapCount`).
    private let reversedTaps: UnsafeMutablePointer<Float>
    /// `tapCount − 1` samples of history then up to `chunkLength` new samples.
    private let work: UnsafeMutablePointer<Float>
    /// Input samples received so far (absolute index of the next sample).
    private(set) var received = 0

    init(cutoffHertz: Double = 1700, sampleRate: Double = 16_000) {
        let n = Self.tapCount, centre = Double(n - 1) / 2
        let fc = cutoffHertz / sampleRate
        var taps = (0..<n).map { i -> Double in
            let x = Double(i) - centre
            let sinc = x == 0 ? 2 * fc : sin(2 * Double.pi * fc * x) / (Double.pi * x)
            let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(i + 1) / Double(n + 1))
            return sinc * hann
        }
        let sum = taps.reduce(0, +)
        taps = taps.map { $0 / sum }
        reversedTaps = .allocate(capacity: n)
        reversedTaps.initialize(from: taps.reversed().map(Float.init), count: n)
        work = .allocate(capacity: n - 1 + Self.chunkLength)
        work.initialize(repeating: 0, count: n - 1 + Self.chunkLength)
    }

    deinit {
        reversedTaps.deallocate()
        work.deallocate()
    }

    /// Number of outputs produced for `count` input samples: the `m` with `4m < count`.
    static func outputCount(inputCount count: Int) -> Int { (count + factor - 1) / factor }

    /// Filters `block` (at most `chunkLength` samples) and writes the new output samples to `output`
    /// (room for `chunkLength / 4 + 1`); returns how many were written.
    func process(_ block: UnsafeBufferPointer<Float>, into output: UnsafeMutablePointer<Float>) -> Int {
        precondition(block.count <= Self.chunkLength, "DecimatingLowpass: block longer than chunkLength")
        let history = Self.tapCount - 1, firstIndex = received, base = work
        if let source = block.baseAddress { (base + history).update(from: source, count: block.count) }
        // Absolute input index i sits at work[i − firstIndex + history]; outputs at i ≡ 0 (mod 4).
        var written = 0
        var i = (firstIndex + Self.factor - 1) / Self.factor * Self.factor
        while i < firstIndex + block.count {
            output[written] = Self.dot(reversedTaps, base + (i - firstIndex))
            written += 1
            i += Self.factor
        }
        // Keep the last `history` samples (of history + block) for the next block; the regions may overlap.
        _ = memmove(base, base + block.count, history * MemoryLayout<Float>.stride)
        received += block.count
        return written
    }

    /// `Σ_{k<41} a[k]·b[k]`: five 8-lane products and one scalar.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var lanes = SIMD8<Float>()
        for block in 0..<5 {
            lanes += ra.loadUnaligned(fromByteOffset: 32 * block, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: 32 * block, as: SIMD8<Float>.self)
        }
        return lanes.sum() + a[40] * b[40]
    }
}
