import COpenBLAS

/// Process-wide controls of the OpenBLAS library behind `gemm`.
public enum BLAS {
    /// Sets how many threads one BLAS call may use.
    ///
    /// The service runs requests in parallel on its own worker threads, so each BLAS call must stay
    /// on its caller's thread (`1`): otherwise OpenBLAS's pool and the request threads oversubscribe the
    /// cores. The trainer may use more for large batches.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1")
        openblas_set_num_threads(Int32(count))
    }

    /// The OpenBLAS kernel in use, e.g. "Haswell" or "SkylakeX" (chosen at library load time).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string (version, threading, dynamic arch).
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }
}
