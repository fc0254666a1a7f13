import CMalloc
import LinearAlgebra
import Logging
import Service
#if canImport(Glibc)
import Glibc
#endif

/// `ser-server`: the speech emotion recognition HTTP service. Its settings are `ServerSetting.all`
/// (flags over `SER_*` variables over defaults); `buildServer` wires the service.
@main
struct ServerCommand {
    static let discussion = """
        Speech emotion recognition over HTTP: POST call audio, get emotion probabilities as JSON.

        Every option can also be set by the environment variable shown in brackets (flags win).
        The API is described in openapi.yaml, served at GET /openapi.yaml.

        Models are read from --models in the layout <name>/<version>/model.safetensors; the
        highest version of each is "latest".

        Signals: SIGHUP reloads the models directory (new and changed versions load off the
        request path; a version that fails to load leaves the previous one serving). SIGTERM or
        SIGINT drains (readiness fails, in-flight requests finish within --drain-timeout) and
        exits 0.

        Example:
          ser-server --models Models --port 8080
          curl -F file=@call.wav 'http://localhost:8080/v1/predict?segment=5&roles=agent,customer'
        """

    /// Bodies from this size on (4 MiB: about two minutes of 16 kHz 16-bit mono) are followed by a
    /// malloc_trim; smaller requests never pay for it.
    static let trimAfterBodyBytes = 4 << 20

    static func main() {
        // Must come first: may re-execute the process so OpenBLAS loads its fastest safe kernel.
        BLASKernelSelection.relaunchIfFasterKernelAvailable()
        let configuration: ServerConfiguration
        do {
            switch try ServerConfiguration.parse(arguments: Array(CommandLine.arguments.dropFirst()),
                                                 environment: environment(), cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) {
            case .help: print(ServerConfiguration.helpText(discussion: discussion)); return
            case .version: print(ServiceApplication.version); return
            case .settingsTable: print(ServerConfiguration.markdownTable()); return
            case .run(let parsed): configuration = parsed
            }
        } catch {
            let message = "ser-server: \(error)\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            exit(64)
        }
        exit(run(configuration))
    }

    /// Runs the service until SIGTERM or SIGINT; returns the exit status.
    static func run(_ configuration: ServerConfiguration) -> Int32 {
        // Requests run in parallel on the HTTP threads; each BLAS call stays on its caller's thread.
        BLAS.setThreadCount(1)
        // Before any other thread exists (see --malloc-arenas).
        if configuration.mallocArenas > 0 { _ = cmalloc_limit_arenas(Int32(configuration.mallocArenas)) }
        let (format, level) = (configuration.logFormat, configuration.logLevel)
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
        let logger = Logger(label: "ser-server")
        logger.info("starting", metadata: ["version": "\(ServiceApplication.version)", "blas_kernel": "\(BLAS.coreName)",
                                         "conv_gemm_kernel": "\(RowIndexedGEMM.kernelName)"])
        // Block the signals we handle before any thread starts, so every thread inherits the mask and
        // they are delivered only to sigwait below.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        // After a large body (a long call), hand the freed pages back: glibc would otherwise keep the
        // heap a call grew.
        let server = buildServer(configuration: configuration, logger: logger) { bytes in
            if bytes >= Self.trimAfterBodyBytes { _ = cmalloc_trim() }
        }
        do {
            try server.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            return 1
        }
        while true {
            var received: Int32 = 0
            sigwait(&signals, &received)
            if received == SIGHUP {
                // Load off the request path: this thread only waits for signals.
                server.application.reloadModels(trigger: "SIGHUP")
                continue
            }
            logger.info("draining", metadata: ["signal": "\(received == SIGTERM ? "SIGTERM" : "SIGINT")"])
            let abandoned = server.drain()
            logger.info("stopped", metadata: ["abandoned_requests": "\(abandoned)"])
            return 0
        }
    }

    /// The process environment as a dictionary.
    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") { result[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            pointer += 1
        }
        return result
    }
}
