#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// 4:1 decimation with an anti-aliasing FIR low-pass, 16 kHz → 4 kHz for the speech detector (which
/// looks at 0-1.8 kHz only: voicing, the first formants' energy and the call-progress tones all live
/// there).
///
/// Output `y[m] = Σ_{k<41} h[k]·x[4m − k]` with `x[i] = 0` for `i < 0`: a Hann-windowed sinc of 41
/// taps cut at 1.7 kHz (16 kHz input), unit gain at DC. Linear phase, so `y[m]` describes the input
/// around sample `4m − delay` (`delay` = 20 input samples, 1.25 ms).
///
/// Polyphase: with the input's four phases `P_p[j] = x[4j + p]` and `k = 4q + r`,
/// `y[m] = Σ_q h[4q]·P_0[m − q] + Σ_{r=1…3} Σ_q h[4q + r]·P_{4−r}[m − q − 1]`, so four consecutive
/// outputs are 41 four-lane multiply-adds over contiguous loads, in four independent partial sums.
/// The phases are split off the contiguous input with 4×4 transposes, 16 samples at a time.
///
/// Stateless apart from its scratch (the caller keeps the input); the taps are the process's
/// (`SpeechDetectorResources`). Not thread-safe; no allocation after `init`.
final class DecimatingLowpass {
    static let factor = 4
    static let tapCount = 41
    /// Group delay, input samples: `(tapCount − 1) / 2`.
    static let delay = 20
    /// Input samples before `4m` that output `m` reads (`x[4m − 40]`), rounded up to whole phase
    /// entries: the first 11 entries of each phase row are history.
    static let history = 44
    /// Most outputs one `decimate` call produces.
    static let maximumOutputs = 72
    /// Input samples after `4·(m + count)` that `decimate` may read (values ignored): the phase split
    /// works on whole 32-sample blocks.
    static let readPastEnd = 32

    /// `h[k]`: a Hann-windowed sinc, normalised to unit gain at DC (computed in Double).
    static func taps(cutoffHertz: Double = 1700, sampleRate: Double = 16_000) -> [Float] {
        let n = tapCount, centre = Double(n - 1) / 2
        let fc = cutoffHertz / sampleRate
        let h = (0..<n).map { i -> Double in
            let x = Double(i) - centre
            let sinc = x == 0 ? 2 * fc : sin(2 * Double.pi * fc * x) / (Double.pi * x)
            let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(i + 1) / Double(n + 1))
            return sinc * hann
        }
        let sum = h.reduce(0, +)
        return h.map { Float($0 / sum) }
    }

    private let taps: UnsafePointer<SIMD4<Float>>
    /// Four phase rows of `rowCapacity` entries; entry `e` of row `p` is `P_p[m − 11 + e]` for the
    /// first output `m` of the current call.
    private let phases: UnsafeMutablePointer<Float>
    private static let rowCapacity = (history + 4 * maximumOutputs + readPastEnd + 31) / 32 * 8

    init(resources: SpeechDetectorResources = .shared) {
        taps = UnsafePointer(resources.decimatorTaps)
        phases = .allocate(capacity: Self.factor * Self.rowCapacity)
        phases.initialize(repeating: 0, count: Self.factor * Self.rowCapacity)
    }

    deinit { phases.deallocate() }

    /// Writes `y[m..<m + count]` (`count` a multiple of 8, at most `maximumOutputs`) to `output`.
    /// `input` points at `x[4m − history]`; `x[4m − history ..< 4(m + count) + readPastEnd]` must be
    /// readable, and outputs read only `x[..<4(m + count − 1) + 1]` (later values only reach lanes
    /// the caller discards, in no other lane).
    func decimate(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        precondition(count % 8 == 0 && count <= Self.maximumOutputs, "DecimatingLowpass: bad output count")
        // Entries needed per row: history (11) + count; split in blocks of 4 entries (16 samples): the
        // four samples of one entry are one vector, and a 4×4 transpose turns four entries into four
        // phase vectors.
        let entries = Self.history / 4 + count
        let capacity = Self.rowCapacity
        let source = UnsafeRawPointer(input), rows = UnsafeMutableRawPointer(phases)
        var e = 0
        while e < entries {
            let (p0, p1, p2, p3) = VectorMath.transpose(
                source.loadUnaligned(fromByteOffset: 16 * e, as: SIMD4<Float>.self),
                source.loadUnaligned(fromByteOffset: 16 * e + 16, as: SIMD4<Float>.self),
                source.loadUnaligned(fromByteOffset: 16 * e + 32, as: SIMD4<Float>.self),
                source.loadUnaligned(fromByteOffset: 16 * e + 48, as: SIMD4<Float>.self))
            rows.storeBytes(of: p0, toByteOffset: 4 * e, as: SIMD4<Float>.self)
            rows.storeBytes(of: p1, toByteOffset: 4 * (capacity + e), as: SIMD4<Float>.self)
            rows.storeBytes(of: p2, toByteOffset: 4 * (2 * capacity + e), as: SIMD4<Float>.self)
            rows.storeBytes(of: p3, toByteOffset: 4 * (3 * capacity + e), as: SIMD4<Float>.self)
            e += 4
        }
        let target = UnsafeMutableRawPointer(output)
        for batch in stride(from: 0, to: count, by: 4) {
            target.storeBytes(of: four(at: Self.history / 4 + batch), toByteOffset: 4 * batch, as: SIMD4<Float>.self)
        }
    }

    /// Outputs whose `P_0[m]` is row entry `e` and the three after it (one SSE register per partial
    /// sum, so nothing spills). Each lane is the same sum in the same order whatever the batch, so an
    /// output does not depend on which call computes it.
    @inline(__always)
    private func four(at e: Int) -> SIMD4<Float> {
        let capacity = Self.rowCapacity, h = taps
        let base = UnsafeRawPointer(phases)
        @inline(__always) func load(_ phase: Int, _ entry: Int) -> SIMD4<Float> {
            base.loadUnaligned(fromByteOffset: 4 * (phase * capacity + entry), as: SIMD4<Float>.self)
        }
        // Four independent partial sums (one per tap residue), so the additions do not wait on each
        // other; written out tap by tap.
        var y0 = h[0] * load(0, e), y1 = h[1] * load(3, e - 1), y2 = h[2] * load(2, e - 1), y3 = h[3] * load(1, e - 1)
        @inline(__always) func addTaps(_ q: Int) {
            y0 += h[4 * q] * load(0, e - q)
            y1 += h[4 * q + 1] * load(3, e - q - 1)
            y2 += h[4 * q + 2] * load(2, e - q - 1)
            y3 += h[4 * q + 3] * load(1, e - q - 1)
        }
        addTaps(1)
        addTaps(2)
        addTaps(3)
        addTaps(4)
        addTaps(5)
        addTaps(6)
        addTaps(7)
        addTaps(8)
        addTaps(9)
        y0 += h[40] * load(0, e - 10)
        return (y0 + y1) + (y2 + y3)
    }
}
