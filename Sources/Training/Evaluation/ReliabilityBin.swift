/// One bin of a reliability diagram: predictions whose top-1 confidence falls in `(lower, upper]`
/// (the first bin also takes confidence 0).
public struct ReliabilityBin: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    /// Predictions in the bin.
    public var count: Int
    /// Mean top-1 confidence in the bin (the bin centre when empty).
    public var meanConfidence: Double
    /// Fraction of correct predictions in the bin (0 when empty).
    public var accuracy: Double

    /// `count` equal-width bins over [0, 1].
    public static func bins(confidences: [Double], correct: [Bool], count: Int) -> [ReliabilityBin] {
        precondition(count > 0 && confidences.count == correct.count)
        var sums = [Double](repeating: 0, count: count), hits = [Int](repeating: 0, count: count)
        var counts = [Int](repeating: 0, count: count)
        for (confidence, isCorrect) in zip(confidences, correct) {
            // Bin b holds (b/count, (b+1)/count]: ceil(c·count) − 1, clamped.
            let b = min(count - 1, max(0, Int((confidence * Double(count)).rounded(.up)) - 1))
            sums[b] += confidence
            counts[b] += 1
            if isCorrect { hits[b] += 1 }
        }
        return (0..<count).map { b in
            let lower = Double(b) / Double(count), upper = Double(b + 1) / Double(count)
            return ReliabilityBin(
                lower: lower, upper: upper, count: counts[b],
                meanConfidence: counts[b] > 0 ? sums[b] / Double(counts[b]) : (lower + upper) / 2,
                accuracy: counts[b] > 0 ? Double(hits[b]) / Double(counts[b]) : 0)
        }
    }

    /// Σ_b (n_b / N) · |accuracy_b − confidence_b| (Guo et al. 2017).
    public static func expectedCalibrationError(_ bins: [ReliabilityBin]) -> Double {
        let total = bins.reduce(0) { $0 + $1.count }
        guard total > 0 else { return 0 }
        return bins.reduce(0.0) { $0 + Double($1.count) / Double(total) * abs($1.accuracy - $1.meanConfidence) }
    }
}
