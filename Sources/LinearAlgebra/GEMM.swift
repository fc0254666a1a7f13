import COpenBLAS

/// Whether a `gemm` operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// Single-precision general matrix multiply, row-major:
/// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C[m×n]`.
///
/// This is the package's one hot function: every heavy product (mel filterbank, DCT, conv layers
/// through im2col, dense and recurrent layers, and their gradients in training) goes through it, so
/// it is the one place to profile and the only caller of `cblas_sgemm`. Its second form,
/// `gemm(block:k:b:rowOffsets:columns:tile:ldc:)` (RowIndexedGEMM.swift), takes B by row addresses
/// and runs our own AVX-512 micro-kernel: inference convolutions use it where the CPU has AVX-512.
///
/// - Parameters:
///   - transA, transB: whether A / B are read transposed.
///   - m, n, k: the product's dimensions after transposition.
///   - a: row-major storage of A; `lda` is its row stride in elements (≥ k if not transposed, else ≥ m).
///   - b: row-major storage of B; `ldb` is its row stride (≥ n if not transposed, else ≥ k).
///   - c: row-major storage of C; `ldc` is its row stride (≥ n).
public func gemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension m=\(m) n=\(n) k=\(k)")
    precondition(lda >= max(1, transA == .none ? k : m), "gemm: lda \(lda) too small")
    precondition(ldb >= max(1, transB == .none ? n : k), "gemm: ldb \(ldb) too small")
    precondition(ldc >= max(1, n), "gemm: ldc \(ldc) too small")
    if m == 0 || n == 0 { return }
    cblas_sgemm(
        CblasRowMajor,
        transA == .none ? CblasNoTrans : CblasTrans,
        transB == .none ? CblasNoTrans : CblasTrans,
        blasint(m), blasint(n), blasint(k),
        alpha, a, blasint(lda), b, blasint(ldb),
        beta, c, blasint(ldc))
}
