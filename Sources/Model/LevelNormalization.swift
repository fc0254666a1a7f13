import LinearAlgebra

/// Makes the level-dependent input rows relative to the clip (or serving window) itself, so the
/// network's input does not change with the recording level: a telephone line's automatic gain
/// control, a quieter microphone or a corpus recorded hotter all give the same rows.
///
/// The rule, per clip (training) or per window (serving), all in dB:
/// 1. **Active frames**: frames whose energy is within `activeRangeDecibels` of the clip's loudest
///    frame. Only they set the reference, so digital silence or a quiet room before and after the
///    speech changes nothing (how much of it there is, and how quiet it is, are corpus fingerprints).
/// 2. **Floor**: log-mel cells more than `floorDecibels` below the clip's loudest active cell are raised
///    to that floor; every cell of an inactive frame is set to it. So near-silence looks the same in
///    every corpus, and a quiet clip never reaches the extractor's absolute floor (−100 dB, which a
///    gain would not move). The energy row's floor is the active threshold itself.
/// 3. **Reference**: each level row (every log-mel band, the energy row) minus its mean over the
///    active frames (per-band mean subtraction: a gain, and a fixed microphone or channel colouring,
///    are removed; the contour over time is kept).
///
/// Rows derived from log-mel (its deltas, MFCC and their deltas) are computed from the relative
/// log-mel, so MFCC c0 is relative too. Pitch and voicing are level-free already; on inactive frames
/// they are set to unvoiced (0) so that the pitch tracker's guesses in silence do not differ by corpus.
/// A gain `g` dB shifts every frame's energy and every cell by `g`, so the active set, the floor's
/// distance to the loudest cell and the row means all shift together: the output is unchanged (up to
/// float rounding) as long as the floor stays above the extractor's absolute floor.
public struct LevelNormalization: Codable, Sendable, Equatable {
    /// A frame is active when its energy is at most this many dB below the clip's loudest frame.
    public var activeRangeDecibels: Float
    /// Log-mel cells are floored this many dB below the clip's loudest active cell.
    public var floorDecibels: Float

    public init(activeRangeDecibels: Float = 40, floorDecibels: Float = 70) {
        self.activeRangeDecibels = activeRangeDecibels
        self.floorDecibels = floorDecibels
    }

    enum CodingKeys: String, CodingKey {
        case activeRangeDecibels = "active_range_db", floorDecibels = "floor_db"
    }

    public init(from decoder: any Decoder) throws {
        let defaults = LevelNormalization()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        activeRangeDecibels = try c.decodeIfPresent(Float.self, forKey: .activeRangeDecibels) ?? defaults.activeRangeDecibels
        floorDecibels = try c.decodeIfPresent(Float.self, forKey: .floorDecibels) ?? defaults.floorDecibels
    }

    /// Which frames are active: energy (dB) within `activeRangeDecibels` of the loudest frame.
    public func activeFrames(energyDecibels: [Float]) -> [Bool] {
        guard let loudest = energyDecibels.max() else { return [] }
        let threshold = loudest - activeRangeDecibels
        return energyDecibels.map { $0 >= threshold }
    }

    /// The energy row relative to its active mean; inactive frames read the active threshold.
    public func relativeEnergy(_ energyDecibels: [Float], active: [Bool]) -> [Float] {
        guard let loudest = energyDecibels.max() else { return [] }
        let floor = loudest - activeRangeDecibels
        let floored = zip(energyDecibels, active).map { value, isActive in isActive ? max(value, floor) : floor }
        let mean = Self.activeMean(floored, active: active)
        return floored.map { $0 - mean }
    }

    /// Log-mel `[bands, frames]` floored and relative to each band's active mean (steps 2 and 3).
    public func relativeLogMel(_ logMel: Matrix, active: [Bool]) -> Matrix {
        let (rows, frames) = (logMel.rows, logMel.columns)
        precondition(active.count == frames, "\(active.count) activity flags for \(frames) frames")
        var loudest = -Float.infinity
        for r in 0..<rows {
            for t in 0..<frames where active[t] { loudest = max(loudest, logMel.values[r * frames + t]) }
        }
        var result = logMel
        guard loudest.isFinite else { return result }
        let floor = loudest - floorDecibels
        result.values.withUnsafeMutableBufferPointer { values in
            for r in 0..<rows {
                let base = r * frames
                for t in 0..<frames { values[base + t] = active[t] ? max(values[base + t], floor) : floor }
                let mean = Self.activeMean(Array(values[base..<(base + frames)]), active: active)
                for t in 0..<frames { values[base + t] -= mean }
            }
        }
        return result
    }

    /// Mean of `values` over the active frames (Double sum); 0 when none is active.
    static func activeMean(_ values: [Float], active: [Bool]) -> Float {
        var sum = 0.0, count = 0
        for (value, isActive) in zip(values, active) where isActive {
            sum += Double(value)
            count += 1
        }
        return count > 0 ? Float(sum / Double(count)) : 0
    }
}
