#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GEMMMicroKernel

/// The second form of the package's one hot function, `gemm`: a product whose B operand is given by
/// row addresses instead of a stored matrix, `C[8 × n] = A_block[8 × k] · B[k × n]` with
/// `B[kk, j] = b[rowOffsets[kk] + j]`, `n` ≤ 48, computed by an AVX-512 micro-kernel of our own
/// (the `GEMMMicroKernel` module).
///
/// Why: a 1-D convolution's im2col matrix is the input's channels shifted by each kernel tap, so its
/// rows already lie in memory; OpenBLAS needs them copied out (im2col) and then packs both the copy
/// and the weights again on every call — about a third of a forward pass on this model's shapes. Here
/// the weights are packed once at load time (`pack`), B is read in place, and the tile stays in L1
/// for the caller's epilogue (bias, activation, pooling).
///
/// Used only where the CPU and OS support AVX-512 (the same flags the SkylakeX OpenBLAS kernel
/// needs); `SER_GEMM_KERNEL=openblas` turns it off so every product goes through `cblas_sgemm`.
public enum RowIndexedGEMM {
    /// Rows of A (and C) per call: one packed block.
    public static let blockRows = 8
    /// Most columns per call (three AVX-512 registers per row of C).
    public static let maximumColumns = 48

    /// Whether `gemm(block:...)` may run here: an x86-64 CPU with AVX-512 F/CD/BW/DQ/VL reported by
    /// the kernel (so the OS saves the registers), and not disabled by `SER_GEMM_KERNEL=openblas`.
    public static let isAvailable: Bool = {
        #if arch(x86_64)
        if let choice = getenv("SER_GEMM_KERNEL"), String(cString: choice).lowercased() == "openblas" { return false }
        return BLASKernelSelection.skylakeXFlags.isSubset(of: BLASKernelSelection.cpuFlags())
        #else
        return false
        #endif
    }()

    /// The kernel's name for logs: "avx512" or "openblas".
    public static var kernelName: String { isAvailable ? "avx512" : "openblas" }

    /// A row-major `[m × k]` A in blocks of `blockRows` rows, each k-major (`[k][8]`), zero rows padding
    /// the last block: `⌈m/8⌉ · k · 8` floats. Block `i` starts at `i · k · 8`.
    public static func pack(_ a: UnsafePointer<Float>, m: Int, k: Int) -> [Float] {
        let blocks = (m + blockRows - 1) / blockRows
        var packed = [Float](repeating: 0, count: blocks * k * blockRows)
        for row in 0..<m {
            let block = row / blockRows, r = row % blockRows
            for kk in 0..<k { packed[(block * k + kk) * blockRows + r] = a[row * k + kk] }
        }
        return packed
    }

    /// Columns computed for a request of `columns` (16, 32 or 48): the tile's row stride.
    @inline(__always)
    public static func tileColumns(for columns: Int) -> Int { min(3, max(1, (columns + 15) / 16)) * 16 }
}

/// `C[8 × w] = A_block · B[k × w]`, `w = RowIndexedGEMM.tileColumns(for: columns)`, with
/// `B[kk, j] = b[rowOffsets[kk] + j]` (see `RowIndexedGEMM`).
/// - Parameters:
///   - block: one block of a `RowIndexedGEMM.pack` result (`k · 8` floats).
///   - columns: wanted columns (1...48); `w` ≥ columns are computed, so `b + rowOffsets[kk]` must be
///     readable for `w` floats (the extra columns are whatever lies there).
///   - c, ldc: the tile, `[8 × w]` row-major with rows `ldc` ≥ `w` floats apart (default `w`), overwritten
///     (all `w` columns).
/// - Precondition: `RowIndexedGEMM.isAvailable`.
@inline(__always)
public func gemm(block: UnsafePointer<Float>, k: Int, b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>,
                 columns: Int, tile c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
    precondition(RowIndexedGEMM.isAvailable, "gemm(block:): no AVX-512 on this CPU")
    let width = RowIndexedGEMM.tileColumns(for: columns)
    precondition((ldc ?? width) >= width, "gemm(block:): ldc \(ldc ?? width) < \(width) columns")
    avx512MicroKernel(vectors: width / 16, k: k, a: block, b: b, rowOffsets: rowOffsets, c: c, ldc: ldc ?? width)
}
