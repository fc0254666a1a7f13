// The one module compiled for AVX-512 (`-target-cpu skylake-avx512`, see Package.swift): only
// `LinearAlgebra` calls it, and only after checking that the CPU and kernel support AVX-512
// (`RowIndexedGEMM.isAvailable`); nothing here is `@inlinable`, so no AVX-512 instruction can leak
// into code that runs before that check.

/// 16 floats: one AVX-512 register.
typealias Lanes = SIMD16<Float>

/// `C[8 × 16·vectors] = A[8 × k] · B[k × 16·vectors]`: the register-blocked inner product of a
/// row-indexed gemm, with `8 × vectors` (≤ 24) accumulators in registers and B read straight from
/// where it lies (no packing).
/// - `a`: one block of A packed k-major, `a[kk·8 + r] = A[r, kk]` (8 broadcasts per step).
/// - `b`, `rowOffsets`: row `kk` of B is the `16·vectors` floats at `b + rowOffsets[kk]` (for a 1-D
///   convolution: an input channel shifted by one kernel tap, so B is the im2col matrix without
///   ever being written).
/// - `c`: the tile, row-major with row stride `ldc` floats; written, not accumulated.
@inline(__always)
private func microKernel(k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>,
                         c: UnsafeMutablePointer<Float>, ldc: Int, vectors: Int) {
    var c00 = Lanes(), c01 = Lanes(), c02 = Lanes()
    var c10 = Lanes(), c11 = Lanes(), c12 = Lanes()
    var c20 = Lanes(), c21 = Lanes(), c22 = Lanes()
    var c30 = Lanes(), c31 = Lanes(), c32 = Lanes()
    var c40 = Lanes(), c41 = Lanes(), c42 = Lanes()
    var c50 = Lanes(), c51 = Lanes(), c52 = Lanes()
    var c60 = Lanes(), c61 = Lanes(), c62 = Lanes()
    var c70 = Lanes(), c71 = Lanes(), c72 = Lanes()
    var weights = a
    for kk in 0..<k {
        let row = UnsafeRawPointer(b + rowOffsets[kk])
        let b0 = row.loadUnaligned(as: Lanes.self)
        let b1 = vectors > 1 ? row.loadUnaligned(fromByteOffset: 64, as: Lanes.self) : Lanes()
        let b2 = vectors > 2 ? row.loadUnaligned(fromByteOffset: 128, as: Lanes.self) : Lanes()
        @inline(__always) func step(_ r: Int, _ x: inout Lanes, _ y: inout Lanes, _ z: inout Lanes) {
            let w = Lanes(repeating: weights[r])
            x.addProduct(w, b0)
            if vectors > 1 { y.addProduct(w, b1) }
            if vectors > 2 { z.addProduct(w, b2) }
        }
        step(0, &c00, &c01, &c02); step(1, &c10, &c11, &c12); step(2, &c20, &c21, &c22); step(3, &c30, &c31, &c32)
        step(4, &c40, &c41, &c42); step(5, &c50, &c51, &c52); step(6, &c60, &c61, &c62); step(7, &c70, &c71, &c72)
        weights += 8
    }
    let out = UnsafeMutableRawPointer(c), stride = 4 * ldc
    @inline(__always) func store(_ r: Int, _ x: Lanes, _ y: Lanes, _ z: Lanes) {
        out.storeBytes(of: x, toByteOffset: r * stride, as: Lanes.self)
        if vectors > 1 { out.storeBytes(of: y, toByteOffset: r * stride + 64, as: Lanes.self) }
        if vectors > 2 { out.storeBytes(of: z, toByteOffset: r * stride + 128, as: Lanes.self) }
    }
    store(0, c00, c01, c02); store(1, c10, c11, c12); store(2, c20, c21, c22); store(3, c30, c31, c32)
    store(4, c40, c41, c42); store(5, c50, c51, c52); store(6, c60, c61, c62); store(7, c70, c71, c72)
}

/// `microKernel` for 48, 32 or 16 columns (`vectors` = 3, 2, 1), C's rows `ldc` floats apart. Must
/// only be called on a CPU with AVX-512F.
public func avx512MicroKernel(vectors: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                              rowOffsets: UnsafePointer<Int>, c: UnsafeMutablePointer<Float>, ldc: Int) {
    switch vectors {
    case 3: microKernel(k: k, a: a, b: b, rowOffsets: rowOffsets, c: c, ldc: ldc, vectors: 3)
    case 2: microKernel(k: k, a: a, b: b, rowOffsets: rowOffsets, c: c, ldc: ldc, vectors: 2)
    default: microKernel(k: k, a: a, b: b, rowOffsets: rowOffsets, c: c, ldc: ldc, vectors: 1)
    }
}
