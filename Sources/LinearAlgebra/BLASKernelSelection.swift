#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses the fastest OpenBLAS kernel the CPU really supports.
///
/// Debian's dynamic-arch OpenBLAS picks its kernel once, when the library loads, from CPUID. On some
/// virtual CPUs (an unnamed "Intel Xeon Processor" model) it falls back to the AVX2 "Haswell" kernel
/// although AVX-512 is there; the "SkylakeX" kernel then runs sgemm about 1.9x faster. OpenBLAS only
/// honours `OPENBLAS_CORETYPE` at load time, so the executables call `relaunchIfFasterKernelAvailable`
/// first thing in `main`: it sets the variable and re-executes the process image once.
///
/// AVX-512 is forced only when the kernel reports every AVX-512 subset the SkylakeX kernel uses
/// (F, CD, BW, DQ, VL) in `/proc/cpuinfo`; Linux lists them only when the OS also saves the AVX-512
/// register state, so this never selects a kernel the CPU or OS cannot run. An operator-set
/// `OPENBLAS_CORETYPE` is always respected.
public enum BLASKernelSelection {
    /// The AVX-512 subsets the SkylakeX sgemm kernel needs.
    static let skylakeXFlags: Set<String> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    /// Kernels OpenBLAS may have picked that already use AVX-512 (lower-cased core names).
    static let avx512Kernels: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]

    /// The CPU flags of the first processor in `/proc/cpuinfo`, or an empty set where there is none.
    public static func cpuFlags(cpuinfo: String? = readCPUInfo()) -> Set<String> {
        guard let cpuinfo else { return [] }
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// The `OPENBLAS_CORETYPE` to request for a CPU with these flags when OpenBLAS chose `currentCore`,
    /// or nil when the current choice is already the best safe one.
    public static func preferredCoreType(flags: Set<String>, currentCore: String) -> String? {
        guard skylakeXFlags.isSubset(of: flags) else { return nil }
        return avx512Kernels.contains(currentCore.lowercased()) ? nil : "SkylakeX"
    }

    /// Re-executes the current process with `OPENBLAS_CORETYPE` set when a faster safe kernel exists and
    /// the operator has not chosen one. Returns normally (doing nothing) otherwise, or if exec fails.
    /// Call it before any thread is started.
    public static func relaunchIfFasterKernelAvailable() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("SER_BLAS_RELAUNCHED") == nil else { return }
        guard let coreType = preferredCoreType(flags: cpuFlags(), currentCore: BLAS.coreName) else { return }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        setenv("SER_BLAS_RELAUNCHED", "1", 1)  // guards against a loop if the variable is ignored
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // exec failed (no /proc): carry on with the kernel already loaded.
        unsetenv("OPENBLAS_CORETYPE")
    }

    public static func readCPUInfo() -> String? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 1 << 22 { break }  // 4 MiB is far beyond any real cpuinfo
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
