import ArgumentParser
import HTTPServer
import LinearAlgebra
import Logging
import Service
#if canImport(Glibc)
import Glibc
#endif

/// `ser-server`: the speech emotion recognition HTTP service.
@main
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ser-server",
        abstract: "Speech emotion recognition over HTTP: POST call audio, get emotion probabilities as JSON.",
        discussion: """
            Every option can also be set by the environment variable shown in brackets (flags win).
            The API is described in openapi.yaml, served at GET /openapi.yaml.

            Signals: SIGTERM or SIGINT drains (readiness fails, in-flight requests finish within
            --drain-timeout) and exits 0.

            Example:
              ser-server --port 8080
              curl http://localhost:8080/v2/health/live
            """)

    @Option(help: "Address to listen on: '::' is every IPv6 and IPv4 address, '0.0.0.0' every IPv4 address, or one address such as 127.0.0.1. [SER_HOST, default ::]")
    var host: String?

    @Option(help: "TCP port; 0 picks a free one. [SER_PORT, default 8080]")
    var port: Int?

    @Option(help: "HTTP worker threads (each runs requests to completion). [SER_THREADS, default: the number of cores]")
    var threads: Int?

    @Option(help: "Largest request body accepted, bytes; larger bodies get 413. [SER_MAX_BODY_BYTES, default 67108864 = 64 MiB]")
    var maxBodyBytes: Int?

    @Option(help: "Seconds an idle or trickling connection may stay open (slow-client defence). [SER_CONNECTION_TIMEOUT, default 30]")
    var connectionTimeout: Int?

    @Option(help: "Concurrent connections accepted. [SER_MAX_CONNECTIONS, default 1000]")
    var maxConnections: Int?

    @Option(help: "Seconds to let in-flight requests finish after SIGTERM before exiting. [SER_DRAIN_TIMEOUT, default 25]")
    var drainTimeout: Int?

    @Option(help: "Log line format: json or logfmt. [SER_LOG_FORMAT, default json]")
    var logFormat: String?

    @Option(help: "Least severe log level written: trace, debug, info, notice, warning, error, critical. [SER_LOG_LEVEL, default info]")
    var logLevel: String?

    func run() throws {
        // Must come first: may re-execute the process so OpenBLAS loads its fastest safe kernel.
        BLASKernelSelection.relaunchIfFasterKernelAvailable()
        // Requests run in parallel on the HTTP threads; each BLAS call stays on its caller's thread.
        BLAS.setThreadCount(1)

        let format = try Setting.resolve(logFormat, env: "SER_LOG_FORMAT", default: "json",
                                         valid: { StructuredLogHandler.Format(rawValue: $0) != nil }, rule: "json or logfmt")
        let level = try Setting.resolve(logLevel, env: "SER_LOG_LEVEL", default: "info",
                                        valid: { Logger.Level(rawValue: $0) != nil }, rule: "one of trace, debug, info, notice, warning, error, critical")
        let logFormat = StructuredLogHandler.Format(rawValue: format)!
        let logLevel = Logger.Level(rawValue: level)!
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: logFormat, level: logLevel) }
        let logger = Logger(label: "ser-server")

        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let http = HTTPServerConfiguration(
            host: try Setting.resolve(host, env: "SER_HOST", default: "::"),
            port: try Setting.resolve(port, env: "SER_PORT", default: 8080, valid: { (0...65535).contains($0) }, rule: "0-65535"),
            threadCount: try Setting.resolve(threads, env: "SER_THREADS", default: max(1, cores), valid: { $0 >= 1 }, rule: "at least 1"),
            connectionTimeoutSeconds: try Setting.resolve(connectionTimeout, env: "SER_CONNECTION_TIMEOUT", default: 30, valid: { $0 >= 1 }, rule: "at least 1"),
            maxConnections: try Setting.resolve(maxConnections, env: "SER_MAX_CONNECTIONS", default: 1000, valid: { $0 >= 1 }, rule: "at least 1"),
            maxBodyBytes: try Setting.resolve(maxBodyBytes, env: "SER_MAX_BODY_BYTES", default: 64 << 20, valid: { $0 >= 1 }, rule: "at least 1"))
        let drainSeconds = try Setting.resolve(drainTimeout, env: "SER_DRAIN_TIMEOUT", default: 25, valid: { $0 >= 0 }, rule: "0 or more")

        logger.info("starting", metadata: ["version": "\(ServiceApplication.version)", "blas_kernel": "\(BLAS.coreName)"])

        // Block the signals we handle before any thread starts, so every thread inherits the mask and
        // they are delivered only to sigwait below.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        let application = ServiceApplication(logger: logger, readyModels: { [] })
        let server = HTTPServer(configuration: http, logger: logger) { application.respond(to: $0) }
        do {
            try server.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }

        while true {
            var received: Int32 = 0
            sigwait(&signals, &received)
            if received == SIGHUP {
                logger.info("SIGHUP received")
                continue
            }
            logger.info("draining", metadata: ["signal": "\(received == SIGTERM ? "SIGTERM" : "SIGINT")"])
            application.beginDraining()
            let abandoned = server.shutdown(gracePeriod: .seconds(drainSeconds))
            logger.info("stopped", metadata: ["abandoned_requests": "\(abandoned)"])
            return
        }
    }
}
