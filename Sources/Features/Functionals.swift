import LinearAlgebra

/// Utterance-level statistics of feature rows, for fixed-size model inputs and export.
///
/// For each row of a `[features, frames]` matrix: mean, standard deviation (population, as numpy's
/// default), minimum, maximum, the 10th / 50th / 90th percentiles (numpy's default linear
/// interpolation) and the least-squares slope against time in units per second.
public enum Functionals {
    /// Column names of `compute`'s result, in order.
    public static let statisticNames = ["mean", "std", "min", "max", "p10", "p50", "p90", "slope"]

    /// One row's statistics.
    public struct Row: Sendable, Equatable {
        public var mean = 0.0, standardDeviation = 0.0, minimum = 0.0, maximum = 0.0
        public var percentile10 = 0.0, median = 0.0, percentile90 = 0.0
        /// Units of the feature per second.
        public var slopePerSecond = 0.0

        public var values: [Double] {
            [mean, standardDeviation, minimum, maximum, percentile10, median, percentile90, slopePerSecond]
        }
    }

    /// `[features.rows, 8]`: row `i` holds the statistics of feature row `i` over the frames where
    /// `mask` is true (all frames when nil). Rows with no selected frame are all zero.
    public static func compute(_ features: Matrix, framesPerSecond: Double, mask: [Bool]? = nil) -> Matrix {
        precondition(mask == nil || mask!.count == features.columns, "Functionals: mask length must equal the frame count")
        var result = Matrix(rows: features.rows, columns: statisticNames.count)
        for r in 0..<features.rows {
            let row = statistics(of: features.values[(r * features.columns)..<((r + 1) * features.columns)],
                                 mask: mask, framesPerSecond: framesPerSecond)
            for (c, value) in row.values.enumerated() { result[r, c] = Float(value) }
        }
        return result
    }

    /// Statistics of one feature track over the frames where `mask` is true (all when nil).
    public static func statistics<Values: Collection<Float>>(
        of values: Values, mask: [Bool]? = nil, framesPerSecond: Double
    ) -> Row where Values.Index == Int {
        var selected: [Double] = []
        var times: [Double] = []
        selected.reserveCapacity(values.count)
        for (offset, index) in values.indices.enumerated() where mask == nil || mask![offset] {
            selected.append(Double(values[index]))
            times.append(Double(offset) / framesPerSecond)
        }
        var row = Row()
        let n = selected.count
        guard n > 0 else { return row }
        let mean = selected.reduce(0, +) / Double(n)
        row.mean = mean
        row.standardDeviation = (selected.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        if n > 1 {
            let meanTime = times.reduce(0, +) / Double(n)
            var covariance = 0.0, variance = 0.0
            for i in 0..<n {
                covariance += (times[i] - meanTime) * (selected[i] - mean)
                variance += (times[i] - meanTime) * (times[i] - meanTime)
            }
            row.slopePerSecond = variance > 0 ? covariance / variance : 0
        }
        selected.sort()
        row.minimum = selected[0]
        row.maximum = selected[n - 1]
        row.percentile10 = percentile(sorted: selected, 10)
        row.median = percentile(sorted: selected, 50)
        row.percentile90 = percentile(sorted: selected, 90)
        return row
    }

    /// numpy.percentile with the default "linear" method on sorted data.
    static func percentile(sorted: [Double], _ q: Double) -> Double {
        let position = q / 100 * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
