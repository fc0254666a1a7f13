import Features
import LinearAlgebra
import LinearAlgebra

/// A feature matrix with the labels an export needs: a name per row, and per column either the frame
/// centre time or a statistic name.
public struct FeatureTable: Sendable, Equatable {
    public enum Columns: Sendable, Equatable {
        /// Frame centre times, seconds.
        case frames(times: [Double])
        /// Statistic names (`Functionals.statisticNames`).
        case statistics(names: [String])

        public var count: Int {
            switch self {
            case let .frames(times): return times.count
            case let .statistics(names): return names.count
            }
        }
    }

    public var kind: FeatureKind
    public var rowNames: [String]
    public var columns: Columns
    /// `[rowNames.count, columns.count]`.
    public var values: Matrix

    public init(kind: FeatureKind, rowNames: [String], columns: Columns, values: Matrix) {
        precondition(values.rows == rowNames.count && values.columns == columns.count,
                     "FeatureTable: \(values.rows)×\(values.columns) values for \(rowNames.count) rows × \(columns.count) columns")
        self.kind = kind
        self.rowNames = rowNames
        self.columns = columns
        self.values = values
    }
}
