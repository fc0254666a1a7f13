import LinearAlgebra

/// SpecAugment masking (Park et al. 2019) of a `[rows, frames]` feature matrix (log-mel bands ×
/// frames): `frequencyMaskCount` bands of `1...maxFrequencyWidth` consecutive rows and
/// `timeMaskCount` stretches of `1...maxTimeWidth` consecutive frames (at most `maxTimeFraction` of
/// the frames) are set to `fill`, positions uniform. Widths start at 1 (not 0 as in the paper) so a
/// configured mask always masks something. Time warping is not implemented.
public struct SpecAugment: Codable, Sendable, Equatable {
    /// Number of frequency (row) masks.
    public var frequencyMaskCount: Int = 2
    /// Widest frequency mask, rows (the paper's F; 8 of 64 mel bands here).
    public var maxFrequencyWidth: Int = 8
    /// Number of time (column) masks.
    public var timeMaskCount: Int = 2
    /// Widest time mask, frames (the paper's T; 20 frames = 0.2 s at a 10 ms hop).
    public var maxTimeWidth: Int = 20
    /// Upper bound of a time mask's width as a fraction of the frames (the paper's p).
    public var maxTimeFraction: Double = 0.2

    /// What masked cells become.
    public enum Fill: String, Codable, Sendable {
        /// The mean of the whole matrix (right for un-normalised log-mel in dB).
        case mean
        /// Zero (right for features already standardised to zero mean).
        case zero
    }
    public var fill: Fill = .mean

    public init() {}

    /// The masks applied by one call: `(first index, width)` per mask.
    public struct Masks: Sendable, Equatable {
        public var frequency: [(start: Int, width: Int)]
        public var time: [(start: Int, width: Int)]

        public static func == (a: Masks, b: Masks) -> Bool {
            a.frequency.map(\.start) == b.frequency.map(\.start) && a.frequency.map(\.width) == b.frequency.map(\.width)
                && a.time.map(\.start) == b.time.map(\.start) && a.time.map(\.width) == b.time.map(\.width)
        }
    }

    /// Masks `features` in place and returns the masks drawn.
    @discardableResult
    public func apply(to features: inout Matrix, generator: inout SeededGenerator) -> Masks {
        let rows = features.rows, frames = features.columns
        var masks = Masks(frequency: [], time: [])
        guard rows > 0, frames > 0 else { return masks }
        let value: Float = fill == .zero ? 0 : features.values.reduce(0, +) / Float(features.values.count)
        let widestRows = min(maxFrequencyWidth, rows)
        if widestRows >= 1 {
            for _ in 0..<frequencyMaskCount {
                let width = generator.uniform(in: 1...widestRows)
                let start = generator.uniform(below: rows - width + 1)
                for r in start..<(start + width) {
                    for c in 0..<frames { features[r, c] = value }
                }
                masks.frequency.append((start, width))
            }
        }
        let widestFrames = min(maxTimeWidth, Int(Double(frames) * maxTimeFraction))
        if widestFrames >= 1 {
            for _ in 0..<timeMaskCount {
                let width = generator.uniform(in: 1...widestFrames)
                let start = generator.uniform(below: frames - width + 1)
                for r in 0..<rows {
                    for c in start..<(start + width) { features[r, c] = value }
                }
                masks.time.append((start, width))
            }
        }
        return masks
    }

    enum CodingKeys: String, CodingKey { case frequencyMaskCount, maxFrequencyWidth, timeMaskCount, maxTimeWidth, maxTimeFraction, fill }

    /// Every key is optional; missing keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        frequencyMaskCount = try c.decodeIfPresent(Int.self, forKey: .frequencyMaskCount) ?? frequencyMaskCount
        maxFrequencyWidth = try c.decodeIfPresent(Int.self, forKey: .maxFrequencyWidth) ?? maxFrequencyWidth
        timeMaskCount = try c.decodeIfPresent(Int.self, forKey: .timeMaskCount) ?? timeMaskCount
        maxTimeWidth = try c.decodeIfPresent(Int.self, forKey: .maxTimeWidth) ?? maxTimeWidth
        maxTimeFraction = try c.decodeIfPresent(Double.self, forKey: .maxTimeFraction) ?? maxTimeFraction
        fill = try c.decodeIfPresent(Fill.self, forKey: .fill) ?? fill
    }
}
