import LinearAlgebra
import Testing

/// `gemm`'s row-indexed form (the AVX-512 micro-kernel) against a Double triple loop.
@Suite(.enabled(if: RowIndexedGEMM.isAvailable, "this CPU has no AVX-512: the row-indexed gemm is never used here"))
struct RowIndexedGEMMTests {
    @Test func packingPutsEachBlockKMajorWithZeroRows() {
        let (m, k) = (10, 3)
        let a = (0..<(m * k)).map(Float.init)
        let packed = a.withUnsafeBufferPointer { RowIndexedGEMM.pack($0.baseAddress!, m: m, k: k) }
        #expect(packed.count == 2 * k * 8)
        for row in 0..<16 {
            for kk in 0..<k {
                let expected: Float = row < m ? a[row * k + kk] : 0
                #expect(packed[(row / 8 * k + kk) * 8 + row % 8] == expected, "row \(row) k \(kk)")
            }
        }
    }

    /// Every column count 1...48 (tiles of 16, 32 and 48), rows of B that overlap and repeat, a C row
    /// stride wider than the tile, and K from 1 to 300.
    @Test(arguments: [1, 7, 64, 300])
    func matchesNaiveProduct(k: Int) {
        var generator = SplitMix(seed: UInt64(k))
        let a = (0..<(8 * k)).map { _ in generator.nextFloat() }
        let storage = (0..<4096).map { _ in generator.nextFloat() }
        // Row kk of B starts anywhere in the storage with room for 48 floats (rows overlap and repeat).
        let offsets = (0..<k).map { kk in (kk * 37 + Int((generator.nextFloat() + 1) * 50)) % (storage.count - 48) }
        let packed = a.withUnsafeBufferPointer { RowIndexedGEMM.pack($0.baseAddress!, m: 8, k: k) }
        for columns in 1...48 {
            let width = RowIndexedGEMM.tileColumns(for: columns)
            #expect(width >= columns && width % 16 == 0 && width <= 48)
            let ldc = width + 5
            var c = [Float](repeating: .nan, count: 8 * ldc)
            packed.withUnsafeBufferPointer { p in storage.withUnsafeBufferPointer { b in offsets.withUnsafeBufferPointer { o in
                c.withUnsafeMutableBufferPointer { c in
                    gemm(block: p.baseAddress!, k: k, b: b.baseAddress!, rowOffsets: o.baseAddress!, columns: columns,
                         tile: c.baseAddress!, ldc: ldc)
                }
            } } }
            for r in 0..<8 {
                for j in 0..<width {
                    var expected = 0.0
                    for kk in 0..<k { expected += Double(a[r * k + kk]) * Double(storage[offsets[kk] + j]) }
                    #expect(abs(Double(c[r * ldc + j]) - expected) <= 1e-5 * Double(k), "k \(k) columns \(columns) r \(r) j \(j)")
                }
                // The stride's gap is never written.
                for j in width..<ldc { #expect(c[r * ldc + j].isNaN) }
            }
        }
    }
}
