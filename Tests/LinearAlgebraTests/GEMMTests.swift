import LinearAlgebra
import Testing

@Suite("gemm and Matrix (OpenBLAS smoke tests)")
struct GEMMTests {
    @Test func multipliesSmallMatricesExactly() {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        let a = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, columns: 2, values: [7, 8, 9, 10, 11, 12])
        #expect(a.multiplied(by: b).values == [58, 64, 139, 154])
    }

    @Test(arguments: [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)])
    func matchesNaiveProductWithTransposes(transA: Transpose, transB: Transpose) {
        let (m, n, k) = (7, 5, 11)
        var generator = SplitMix(seed: 42)
        let a = (0..<(m * k)).map { _ in generator.nextFloat() }
        let b = (0..<(k * n)).map { _ in generator.nextFloat() }
        var c = [Float](repeating: 1, count: m * n)
        let lda = transA == .none ? k : m, ldb = transB == .none ? n : k
        gemm(transA, transB, m: m, n: n, k: k, alpha: 2, a: a, lda: lda, b: b, ldb: ldb, beta: 0.5, c: &c, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let aip = transA == .none ? a[i * k + p] : a[p * m + i]
                    let bpj = transB == .none ? b[p * n + j] : b[j * k + p]
                    sum += aip * bpj
                }
                #expect(abs(c[i * n + j] - (2 * sum + 0.5)) < 1e-4)
            }
        }
    }

    @Test func transposeRoundTrips() {
        let a = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        #expect(a.transposed().values == [1, 4, 2, 5, 3, 6])
        #expect(a.transposed().transposed() == a)
    }

    @Test func reportsAKernelName() {
        #expect(!BLAS.coreName.isEmpty && BLAS.coreName != "unknown")
    }
}

@Suite("BLAS kernel selection")
struct BLASKernelSelectionTests {
    @Test func prefersSkylakeXOnlyWithEveryAVX512SubsetPresent() {
        let full: Set<String> = ["sse2", "avx2", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        #expect(BLASKernelSelection.preferredCoreType(flags: full, currentCore: "Haswell") == "SkylakeX")
        #expect(BLASKernelSelection.preferredCoreType(flags: full, currentCore: "SkylakeX") == nil)
        var partial = full
        partial.remove("avx512vl")
        #expect(BLASKernelSelection.preferredCoreType(flags: partial, currentCore: "Haswell") == nil)
        #expect(BLASKernelSelection.preferredCoreType(flags: ["avx2"], currentCore: "Haswell") == nil)
    }

    @Test func parsesFlagsFromCPUInfo() {
        let text = "processor\t: 0\nmodel name\t: X\nflags\t\t: fpu avx2 avx512f\nbugs\t: none\n"
        #expect(BLASKernelSelection.cpuFlags(cpuinfo: text) == ["fpu", "avx2", "avx512f"])
        #expect(BLASKernelSelection.cpuFlags(cpuinfo: nil).isEmpty)
    }
}

/// Deterministic uniform numbers in [-1, 1) for tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}
