/// A dense, row-major matrix of `Float`: element (r, c) is `values[r * columns + c]`.
///
/// Feature matrices follow librosa's shape convention `[features, frames]` (a row per mel band or
/// coefficient, a column per frame); the documentation of each producer says which.
public struct Matrix: Sendable, Equatable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// Row-major storage, `rows * columns` elements.
    public var values: [Float]

    /// A matrix of `rows × columns` elements, all `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = [Float](repeating: value, count: rows * columns)
    }

    /// A matrix whose `rows × columns` values are all written by `initializer` (given the uninitialised
    /// row-major storage), without filling them with zeros first: for producers that overwrite
    /// every element anyway (FFT frames, `gemm` with `beta = 0`). `initializer` must write all of them.
    public init(rows: Int, columns: Int, initializingValuesWith initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initializedCount in
            initializer(buffer)
            initializedCount = rows * columns
        }
    }

    /// A matrix over existing row-major storage; `values.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "Matrix: \(values.count) values for shape \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// One row as an array.
    public func row(_ index: Int) -> [Float] {
        Array(values[(index * columns)..<((index + 1) * columns)])
    }

    /// The transpose, `[columns × rows]`.
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        values.withUnsafeBufferPointer { source in
            result.values.withUnsafeMutableBufferPointer { target in
                for r in 0..<rows {
                    for c in 0..<columns { target[c * rows + r] = source[r * columns + c] }
                }
            }
        }
        return result
    }

    /// `self · other` through `gemm`.
    public func multiplied(by other: Matrix) -> Matrix {
        precondition(columns == other.rows, "Matrix: cannot multiply \(rows)×\(columns) by \(other.rows)×\(other.columns)")
        var result = Matrix(rows: rows, columns: other.columns)
        if rows == 0 || other.columns == 0 { return result }
        let (m, n, k) = (rows, other.columns, columns)
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                result.values.withUnsafeMutableBufferPointer { c in
                    gemm(.none, .none, m: m, n: n, k: k,
                         a: a.baseAddress!, lda: max(1, k), b: b.baseAddress!, ldb: max(1, n),
                         c: c.baseAddress!, ldc: max(1, n))
                }
            }
        }
        return result
    }
}
