import ArgumentParser
import CMalloc
import HTTPServer
import AudioDecoding
import LinearAlgebra
import Logging
import ModelRegistry
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

            Models are read from --models in the layout <name>/<version>/model.safetensors; the
            highest version of each is "latest".

            Signals: SIGHUP reloads the models directory (new and changed versions load off the
            request path; a version that fails to load leaves the previous one serving). SIGTERM or
            SIGINT drains (readiness fails, in-flight requests finish within --drain-timeout) and
            exits 0.

            Example:
              ser-server --models Models --port 8080
              curl -F file=@call.wav 'http://localhost:8080/v1/predict?segment=5&roles=agent,customer'
            """)

    @Option(help: "Models directory (<name>/<version>/model.safetensors). [SER_MODELS, default Models]")
    var models: String?

    @Option(help: "Model used when a request names none. [SER_DEFAULT_MODEL, default: the only model, or the first by name]")
    var defaultModel: String?

    @Option(help: "Longest audio accepted, seconds; longer gets 413. [SER_MAX_DURATION, default 3600]")
    var maxDuration: Double?

    @Option(help: "Most audio channels accepted. [SER_MAX_CHANNELS, default 8]")
    var maxChannels: Int?

    @Option(help: "Most decoded samples accepted per request, over all channels (4 bytes each; bounds decoding memory). [SER_MAX_SAMPLES, default 115200000 = 1 h of 16 kHz stereo]")
    var maxSamples: Int?

    @Option(help: "Predictions computed in parallel (each uses one core). [SER_MAX_CONCURRENCY, default: the number of cores]")
    var maxConcurrency: Int?

    @Option(help: "Predictions that may wait for a free slot; beyond that, 503 with Retry-After. [SER_MAX_QUEUE, default 64]")
    var maxQueue: Int?

    @Option(help: "Seconds a queued prediction may wait before it gets 503 (also the longest a request waits for its body to be read). [SER_QUEUE_TIMEOUT, default 30]")
    var queueTimeout: Double?

    @Option(help: "Requests with a body read and held at once (uploading, queued or being analysed) before only small ones get in; more wait with their bytes left in the socket, so body memory stays bounded. 0 = no limit. [SER_MAX_BUFFERED_BODIES, default: 2 x max-concurrency]")
    var maxBufferedBodies: Int?

    @Option(help: "Bytes of bodies (as declared) held at once up to which requests are read even beyond --max-buffered-bodies, so short clips never wait. [SER_BUFFERED_BODY_BYTES, default 8388608 = 8 MiB]")
    var bufferedBodyBytes: Int?

    @Option(help: "Comma-separated API keys required as 'Authorization: Bearer <key>' on /v1 routes; unset = open. [SER_API_KEYS]")
    var apiKeys: String?

    @Option(help: "Key for POST /v1/models/reload; unset = reload by SIGHUP only. [SER_ADMIN_KEY]")
    var adminKey: String?

    @Option(help: "Address to listen on: '::' is every IPv6 and IPv4 address, '0.0.0.0' every IPv4 address, or one address such as 127.0.0.1. [SER_HOST, default ::]")
    var host: String?

    @Option(help: "TCP port; 0 picks a free one. [SER_PORT, default 8080]")
    var port: Int?

    @Option(help: "Threads one prediction may use at once for its windows: a stereo call's channels or a long recording's 6 s windows run in parallel. Shared among the predictions running at its start (under load each gets one). 1 = each prediction on one core. [SER_ANALYSIS_THREADS, default: cores]")
    var analysisThreads: Int?

    @Option(help: "HTTP worker threads (each serves its connections; requests beyond --max-concurrency wait for a slot). [SER_THREADS, default: 4 x cores]")
    var threads: Int?

    @Option(help: "Largest request body accepted, bytes; larger bodies get 413. [SER_MAX_BODY_BYTES, default 67108864 = 64 MiB]")
    var maxBodyBytes: Int?

    @Option(help: "Seconds an idle or trickling connection may stay open (slow-client defence). [SER_CONNECTION_TIMEOUT, default 30]")
    var connectionTimeout: Int?

    @Option(help: "Concurrent connections accepted. [SER_MAX_CONNECTIONS, default 1000]")
    var maxConnections: Int?

    @Option(help: "Concurrent connections one client address may hold, against slow clients trickling headers (slowloris); 0 = no limit (use 0 behind a proxy). [SER_MAX_CONNECTIONS_PER_CLIENT, default 0]")
    var maxConnectionsPerClient: Int?

    @Option(help: "Seconds to let in-flight requests finish after SIGTERM before exiting. [SER_DRAIN_TIMEOUT, default 25]")
    var drainTimeout: Int?

    @Option(help: "Most glibc malloc arenas: each thread that allocates under contention otherwise gets its own (up to 8 per core), and freed request buffers stay mapped in all of them; 0 = glibc's default. [SER_MALLOC_ARENAS, default 2]")
    var mallocArenas: Int?

    @Option(help: "Log line format: json or logfmt. [SER_LOG_FORMAT, default json]")
    var logFormat: String?

    @Option(help: "Least severe log level written: trace, debug, info, notice, warning, error, critical. [SER_LOG_LEVEL, default info]")
    var logLevel: String?

    /// Bodies from this size on (4 MiB: about two minutes of 16 kHz 16-bit mono) are followed by a
    /// malloc_trim; smaller requests never pay for it.
    static let trimAfterBodyBytes = 4 << 20

    func run() throws {
        // Must come first: may re-execute the process so OpenBLAS loads its fastest safe kernel.
        BLASKernelSelection.relaunchIfFasterKernelAvailable()
        // Requests run in parallel on the HTTP threads; each BLAS call stays on its caller's thread.
        BLAS.setThreadCount(1)
        // Before any other thread exists. Measured under 16 connections of 60 s clips: peak RSS 118 MB
        // with glibc's default arenas, 103 MB with 2, at the same throughput.
        let arenas = try Setting.resolve(mallocArenas, env: "SER_MALLOC_ARENAS", default: 2, valid: { $0 >= 0 }, rule: "0 or more")
        if arenas > 0 { _ = cmalloc_limit_arenas(Int32(arenas)) }

        let format = try Setting.resolve(logFormat, env: "SER_LOG_FORMAT", default: "json",
                                         valid: { StructuredLogHandler.Format(rawValue: $0) != nil }, rule: "json or logfmt")
        let level = try Setting.resolve(logLevel, env: "SER_LOG_LEVEL", default: "info",
                                        valid: { Logger.Level(rawValue: $0) != nil }, rule: "one of trace, debug, info, notice, warning, error, critical")
        let logFormat = StructuredLogHandler.Format(rawValue: format)!
        let logLevel = Logger.Level(rawValue: level)!
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: logFormat, level: logLevel) }
        let logger = Logger(label: "ser-server")

        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let concurrency = try Setting.resolve(maxConcurrency, env: "SER_MAX_CONCURRENCY", default: max(1, cores), valid: { $0 >= 1 }, rule: "at least 1")
        let waitSeconds = try Setting.resolve(queueTimeout, env: "SER_QUEUE_TIMEOUT", default: 30, valid: { $0 > 0 }, rule: "a positive number of seconds")
        let http = HTTPServerConfiguration(
            host: try Setting.resolve(host, env: "SER_HOST", default: "::"),
            port: try Setting.resolve(port, env: "SER_PORT", default: 8080, valid: { (0...65535).contains($0) }, rule: "0-65535"),
            threadCount: try Setting.resolve(threads, env: "SER_THREADS", default: max(4, 4 * cores), valid: { $0 >= 1 }, rule: "at least 1"),
            connectionTimeoutSeconds: try Setting.resolve(connectionTimeout, env: "SER_CONNECTION_TIMEOUT", default: 30, valid: { $0 >= 1 }, rule: "at least 1"),
            maxConnections: try Setting.resolve(maxConnections, env: "SER_MAX_CONNECTIONS", default: 1000, valid: { $0 >= 1 }, rule: "at least 1"),
            maxBodyBytes: try Setting.resolve(maxBodyBytes, env: "SER_MAX_BODY_BYTES", default: 64 << 20, valid: { $0 >= 1 }, rule: "at least 1"),
            maxConnectionsPerClient: try Setting.resolve(maxConnectionsPerClient, env: "SER_MAX_CONNECTIONS_PER_CLIENT", default: 0, valid: { $0 >= 0 }, rule: "0 or more"),
            // Two bodies per prediction slot: one being analysed, one read and ready when the slot frees.
            maxBufferedBodies: try Setting.resolve(maxBufferedBodies, env: "SER_MAX_BUFFERED_BODIES", default: 2 * concurrency, valid: { $0 >= 0 }, rule: "0 or more"),
            bufferedBodyBytes: try Setting.resolve(bufferedBodyBytes, env: "SER_BUFFERED_BODY_BYTES", default: 8 << 20, valid: { $0 >= 0 }, rule: "0 or more"),
            bodyWaitTimeoutSeconds: waitSeconds)
        let drainSeconds = try Setting.resolve(drainTimeout, env: "SER_DRAIN_TIMEOUT", default: 25, valid: { $0 >= 0 }, rule: "0 or more")
        let service = ServiceConfiguration(
            audioLimits: AudioLimits(
                maxDurationSeconds: try Setting.resolve(maxDuration, env: "SER_MAX_DURATION", default: 3600, valid: { $0 > 0 && $0.isFinite }, rule: "a positive number of seconds"),
                maxChannels: try Setting.resolve(maxChannels, env: "SER_MAX_CHANNELS", default: 8, valid: { $0 >= 1 }, rule: "at least 1"),
                maxSamples: try Setting.resolve(maxSamples, env: "SER_MAX_SAMPLES", default: 115_200_000, valid: { $0 >= 1 }, rule: "at least 1")),
            maxConcurrentPredictions: concurrency,
            analysisThreads: try Setting.resolve(analysisThreads, env: "SER_ANALYSIS_THREADS", default: max(1, cores), valid: { $0 >= 1 }, rule: "at least 1"),
            maxQueuedPredictions: try Setting.resolve(maxQueue, env: "SER_MAX_QUEUE", default: 64, valid: { $0 >= 0 }, rule: "0 or more"),
            queueTimeoutSeconds: waitSeconds,
            apiKeys: (apiKeys ?? Setting.environment("SER_API_KEYS") ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty },
            adminKey: adminKey ?? Setting.environment("SER_ADMIN_KEY"))
        let modelsDirectory = models ?? Setting.environment("SER_MODELS") ?? "Models"
        let defaultModelName = defaultModel ?? Setting.environment("SER_DEFAULT_MODEL")

        logger.info("starting", metadata: ["version": "\(ServiceApplication.version)", "blas_kernel": "\(BLAS.coreName)",
                                         "conv_gemm_kernel": "\(RowIndexedGEMM.kernelName)"])

        // Block the signals we handle before any thread starts, so every thread inherits the mask and
        // they are delivered only to sigwait below.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        let registry = ModelRegistry(directory: modelsDirectory, defaultModel: defaultModelName, logger: logger)
        let application = ServiceApplication(registry: registry, configuration: service, logger: logger)
        // After a large body (a long call), hand the freed pages back: glibc would otherwise keep the
        // heap a call grew (measured: 93 MiB resident after two 10-minute calls, 29 MiB idle).
        let server = HTTPServer(configuration: http, logger: logger, bodyReleased: { bytes in
            if bytes >= Self.trimAfterBodyBytes { _ = cmalloc_trim() }
        }) { application.respond(to: $0) }
        do {
            // Listen first, so liveness answers while models load; readiness waits for a model.
            try server.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        let report = application.reloadModels(trigger: "startup")
        if registry.readyModelNames.isEmpty {
            logger.warning("no model loaded; readiness stays 503 until one is added and SIGHUP is sent",
                           metadata: ["models": "\(modelsDirectory)", "failed": "\(report.failed.map(\.error))"])
        } else {
            logger.info("ready", metadata: ["models": "\(registry.readyModelNames)"])
        }

        while true {
            var received: Int32 = 0
            sigwait(&signals, &received)
            if received == SIGHUP {
                // Load off the request path: this thread only waits for signals.
                application.reloadModels(trigger: "SIGHUP")
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
