/// A causal per-bin noise power floor by minimum statistics (after Martin, 2001, simplified):
/// the power of each bin is smoothed over time (first-order, `smoothing` per frame), and the floor is
/// the minimum of the smoothed power over the last `subwindowCount` sub-windows of
/// `subwindowFrames` frames plus the current one (1.6-1.8 s with the defaults), times `bias` (the
/// minimum of a fluctuating power sits below its mean).
///
/// Speech has pauses (between words, for breath) far more often than every 1.6 s, so the minimum
/// lands on noise; a steady noise that starts or grows is followed within that window whatever its
/// level, and a falling one at once. The per-bin form follows hum harmonics and tones as well as broad
/// noise. Cost per frame: one multiply-add and two minima per bin, plus a pass over the sub-window
/// minima every `subwindowFrames` frames. No allocation after `init`.
final class MinimumStatisticsFloor {
    let binCount: Int
    /// Weight of the previous smoothed value per frame (0.8 at 10 ms: about 45 ms time constant).
    let smoothing: Float
    let subwindowFrames: Int
    let subwindowCount: Int
    /// Ratio of the noise mean to the minimum of its smoothed power (measured on white noise).
    let bias: Float
    /// Lowest floor returned, power per bin: keeps the a posteriori SNR finite on digital silence.
    let absoluteFloor: Float

    private let smoothed: UnsafeMutablePointer<Float>
    private let currentMinimum: UnsafeMutablePointer<Float>
    /// `subwindowCount` rows of `binCount` minima (a ring), and their bin-wise minimum.
    private let subwindowMinima: UnsafeMutablePointer<Float>
    private let pastMinimum: UnsafeMutablePointer<Float>
    private var framesInSubwindow = 0
    private var ringIndex = 0
    private var started = false

    init(binCount: Int, smoothing: Float = 0.8, subwindowFrames: Int = 20, subwindowCount: Int = 8,
         bias: Float = 2, absoluteFloor: Float = 1e-12) {
        self.binCount = binCount
        self.smoothing = smoothing
        self.subwindowFrames = subwindowFrames
        self.subwindowCount = subwindowCount
        self.bias = bias
        self.absoluteFloor = absoluteFloor
        smoothed = .allocate(capacity: binCount)
        smoothed.initialize(repeating: 0, count: binCount)
        currentMinimum = .allocate(capacity: binCount)
        currentMinimum.initialize(repeating: .infinity, count: binCount)
        subwindowMinima = .allocate(capacity: binCount * subwindowCount)
        subwindowMinima.initialize(repeating: .infinity, count: binCount * subwindowCount)
        pastMinimum = .allocate(capacity: binCount)
        pastMinimum.initialize(repeating: .infinity, count: binCount)
    }

    deinit {
        smoothed.deallocate()
        currentMinimum.deallocate()
        subwindowMinima.deallocate()
        pastMinimum.deallocate()
    }

    /// Takes the power of the next frame (`binCount` bins) and writes the floor estimate (same units).
    /// With `trackMinimum` false the frame is smoothed but cannot lower the minimum (the first frames
    /// of a signal, whose windows are partly the zero padding before it).
    func update(power: UnsafePointer<Float>, floor: UnsafeMutablePointer<Float>, trackMinimum: Bool = true) {
        let a = started ? smoothing : 0
        started = true
        let bias = self.bias, absoluteFloor = self.absoluteFloor
        let s = smoothed, current = currentMinimum, past = pastMinimum
        // Eight bins per step, each lane the scalar expression of the tail loop (`min(x, y)` is
        // `y < x ? y : x`, `max(x, y)` is `y >= x ? y : x`), so the floor is the same bit for bit.
        let weight = SIMD8<Float>(repeating: a), complement = SIMD8<Float>(repeating: 1 - a)
        let biases = SIMD8<Float>(repeating: bias), floors = SIMD8<Float>(repeating: absoluteFloor)
        var k = 0
        while k + 8 <= binCount {
            let value = weight * SIMD8Memory.load(s, k) + complement * SIMD8Memory.load(power, k)
            SIMD8Memory.store(value, s, k)
            var minimum = SIMD8Memory.load(current, k)
            if trackMinimum { minimum.replace(with: value, where: value .< minimum) }
            SIMD8Memory.store(minimum, current, k)
            let pastMinimum = SIMD8Memory.load(past, k)
            var lowest = minimum.replacing(with: pastMinimum, where: pastMinimum .< minimum)
            lowest.replace(with: value, where: value .< lowest)
            let estimate = biases * lowest
            SIMD8Memory.store(floors.replacing(with: estimate, where: estimate .>= floors), floor, k)
            k += 8
        }
        while k < binCount {
            let value = a * s[k] + (1 - a) * power[k]
            s[k] = value
            let minimum = trackMinimum ? min(current[k], value) : current[k]
            current[k] = minimum
            floor[k] = max(absoluteFloor, bias * min(minimum, past[k], value))
            k += 1
        }
        framesInSubwindow += 1
        if framesInSubwindow == subwindowFrames { closeSubwindow() }
    }

    /// Writes the floor as it stands without taking a frame: for frames of digital silence (exact
    /// zeros: a line with silence suppression, a muted channel), which say nothing about the line's
    /// noise. Time stops for the floor, so when the signal resumes it is measured against the noise
    /// heard before the zeros instead of against nothing. Before any frame was taken: `absoluteFloor`.
    func hold(floor: UnsafeMutablePointer<Float>) {
        for k in 0..<binCount {
            let lowest = min(currentMinimum[k], pastMinimum[k])
            floor[k] = lowest.isFinite ? max(absoluteFloor, bias * lowest) : absoluteFloor
        }
    }

    /// Whether every bin of `power` (`binCount` bins) is at or under `absoluteFloor`: a frame of
    /// digital silence (16-bit dither sits about 30 dB higher).
    func isDigitalSilence(_ power: UnsafePointer<Float>) -> Bool {
        var largest = SIMD8<Float>()
        var k = 0
        while k + 8 <= binCount {
            largest = VectorMath.maximum(largest, SIMD8Memory.load(power, k))
            k += 8
        }
        var result = VectorMath.largestLane(largest)
        while k < binCount {
            result = max(result, power[k])
            k += 1
        }
        return result <= absoluteFloor
    }

    /// Starts over as a fresh floor whose every sub-window holds the minimum seen so far (over the
    /// ring and the current sub-window), so that until they roll out (`subwindowCount` sub-windows
    /// later) the floor is at most that: the state of a new floor primed with what this one has seen.
    /// Called after observing a recording's opening, before analysing it again from its start.
    func restartPrimed() {
        for k in 0..<binCount {
            let m = min(currentMinimum[k], pastMinimum[k])
            pastMinimum[k] = m
            for r in 0..<subwindowCount { subwindowMinima[r * binCount + k] = m }
            currentMinimum[k] = .infinity
            smoothed[k] = 0
        }
        framesInSubwindow = 0
        ringIndex = 0
        started = false
    }

    /// Stores the finished sub-window's minima in the ring and recomputes the minimum over the ring.
    private func closeSubwindow() {
        framesInSubwindow = 0
        let n = binCount, ring = subwindowMinima, current = currentMinimum, past = pastMinimum
        let row = ring + ringIndex * n
        for k in 0..<n {
            row[k] = current[k]
            current[k] = .infinity
        }
        past.update(from: ring, count: n)
        for r in 1..<subwindowCount {
            for k in 0..<n { past[k] = min(past[k], ring[r * n + k]) }
        }
        ringIndex = (ringIndex + 1) % subwindowCount
    }
}
