#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming 4:1 decimation with an anti-aliasing FIR low-pass, 16 kHz → 4 kHz for the speech
/// detector (which looks at 0-1.8 kHz only: voicing, the first formants' energy and the call-progress
/// tones all live there).
///
/// Output `y[m] = Σ_{k<41} h[k]·x[4m − k]` with `x[i] = 0` for `i < 0`: a Hann-windowed sinc of 41
/// taps cut at 1.7 kHz (16 kHz input), unit gain at DC. Linear phase, so `y[m]` describes the input
/// around sample `4m − delay` (`delay` = 20 input samples, 1.25 ms).
///
/// Polyphase: the input is split into its four phases `P_p[j] = x[4j + p]`, so that with `k = 4q + r`,
/// `y[m] = Σ_q h[4q]·P_0[m − q] + Σ_{r=1…3} Σ_q h[4q + r]·P_{4−r}[m − q − 1]`, and eight consecutive
/// outputs are 41 eight-lane multiply-adds over contiguous loads. Any block sizes give the same output
/// sample for sample (each output is the same eight-lane sum over the same inputs). No allocation after `init`;
/// not thread-safe.
final class DecimatingLowpass {
    static let factor = 4
    static let tapCount = 41
    /// Group delay, input samples: `(tapCount − 1) / 2`.
    static let delay = 20
    /// Largest block `process` takes.
    static let chunkLength = 1024
    /// Past entries of each phase an output reaches back to (`q + 1 ≤ 11`).
    private static let history = 11
    private static let phaseCapacity = history + chunkLength / factor + 16

    /// `h[k]`.
    private let taps: UnsafeMutablePointer<Float>
    /// Four phases of `phaseCapacity` entries; entry `e` of each holds `j = e + firstEntry`.
    private let phases: UnsafeMutablePointer<Float>
    private var firstEntry = -history
    /// Input samples received so far (absolute index of the next sample), outputs produced so far.
    private(set) var received = 0
    private var produced = 0

    init(cutoffHertz: Double = 1700, sampleRate: Double = 16_000) {
        let n = Self.tapCount, centre = Double(n - 1) / 2
        let fc = cutoffHertz / sampleRate
        var h = (0..<n).map { i -> Double in
            let x = Double(i) - centre
            let sinc = x == 0 ? 2 * fc : sin(2 * Double.pi * fc * x) / (Double.pi * x)
            let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(i + 1) / Double(n + 1))
            return sinc * hann
        }
        let sum = h.reduce(0, +)
        h = h.map { $0 / sum }
        taps = .allocate(capacity: n)
        taps.initialize(from: h.map(Float.init), count: n)
        phases = .allocate(capacity: Self.factor * Self.phaseCapacity)
        phases.initialize(repeating: 0, count: Self.factor * Self.phaseCapacity)
    }

    deinit {
        taps.deallocate()
        phases.deallocate()
    }

    /// Filters `block` (at most `chunkLength` samples) and writes the new output samples to `output`
    /// (room for `chunkLength / 4 + 1`); returns how many were written: every `m` with `4m < received`.
    func process(_ block: UnsafeBufferPointer<Float>, into output: UnsafeMutablePointer<Float>) -> Int {
        precondition(block.count <= Self.chunkLength, "DecimatingLowpass: block longer than chunkLength")
        if let source = block.baseAddress {
            // One strided copy per phase: input index i = received + offset goes to phase i & 3, entry i >> 2.
            for phase in 0..<Self.factor {
                let firstOffset = (phase - received % Self.factor + Self.factor) % Self.factor
                guard firstOffset < block.count else { continue }
                let row = phases + phase * Self.phaseCapacity + ((received + firstOffset) >> 2) - firstEntry
                var j = 0, offset = firstOffset
                while offset < block.count {
                    row[j] = source[offset]
                    j += 1
                    offset += Self.factor
                }
            }
        }
        received += block.count
        let end = (received + Self.factor - 1) / Self.factor  // outputs m < end are computable
        var written = 0
        while produced + 8 <= end {
            let y = eight(at: produced)
            for l in 0..<8 { output[written + l] = y[l] }
            written += 8
            produced += 8
        }
        if produced < end {
            // The last few: a batch whose later lanes read entries not received yet, discarded (lanes are
            // independent, so each output is bit-identical whichever batch computes it).
            let y = eight(at: produced)
            for l in 0..<(end - produced) { output[written + l] = y[l] }
            written += end - produced
            produced = end
        }
        compact()
        return written
    }

    /// Outputs `m..<m+8`.
    @inline(__always)
    private func eight(at m: Int) -> SIMD8<Float> {
        let capacity = Self.phaseCapacity, h = taps
        // Entry j of each phase is at `j − firstEntry` (a local copy, so it is not reloaded after every
        // store through a pointer).
        let base = UnsafeRawPointer(phases), first = firstEntry
        @inline(__always) func load(_ phase: Int, _ j: Int) -> SIMD8<Float> {
            base.loadUnaligned(fromByteOffset: 4 * (phase * capacity + j - first), as: SIMD8<Float>.self)
        }
        // Four independent partial sums (one per tap residue), so the additions do not wait on each other.
        var y0 = h[0] * load(0, m), y1 = h[1] * load(3, m - 1), y2 = h[2] * load(2, m - 1), y3 = h[3] * load(1, m - 1)
        for q in 1...9 {
            y0 += h[4 * q] * load(0, m - q)
            y1 += h[4 * q + 1] * load(3, m - q - 1)
            y2 += h[4 * q + 2] * load(2, m - q - 1)
            y3 += h[4 * q + 3] * load(1, m - q - 1)
        }
        y0 += h[40] * load(0, m - 10)
        return (y0 + y1) + (y2 + y3)
    }

    /// Moves the entries still needed (`j ≥ produced − history`) to the front of each phase.
    private func compact() {
        let keepFrom = produced - Self.history
        let shift = keepFrom - firstEntry
        guard shift > 0 else { return }
        let count = (received + Self.factor - 1) / Self.factor - keepFrom + 1
        for phase in 0..<Self.factor {
            let row = phases + phase * Self.phaseCapacity
            _ = memmove(row, row + shift, max(0, count) * MemoryLayout<Float>.stride)
        }
        firstEntry = keepFrom
    }
}
