import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif

/// Runs libFuzzer with `body` as the test-one-input callback and exits with the driver's status.
/// Built only with `-sanitize=fuzzer` (see scripts/reliability/fuzz.sh).
public enum FuzzDriver {
    public typealias Body = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func run(_ body: Body) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, body))
    }

    /// The input as an array (libFuzzer may pass a null pointer for an empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}
