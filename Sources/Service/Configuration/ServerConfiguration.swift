import AudioDecoding
import HTTPServer
import Logging

/// Everything `ser-server` can be told, with the one set of defaults: every field is a flag and a
/// `SER_*` environment variable (`ServerSetting.all`), and the transport's and the service's own
/// configurations are derived from it (`http`, `service`), so no default is written twice.
public struct ServerConfiguration: Sendable {
    // MARK: Models
    /// Directory of `<name>/<version>/model.safetensors`.
    public var modelsDirectory = "Models"
    /// Model used when a request names none; nil = the only model, or the first by name.
    public var defaultModel: String?

    // MARK: Listening and connections
    public var host = "::"
    public var port = 8080
    /// HTTP worker threads; nil = 4 × cores.
    public var threads: Int?
    public var connectionTimeoutSeconds = 30
    public var maxConnections = 1000
    public var maxConnectionsPerClient = 0
    public var maxHeaderBytes = 64 << 10
    public var listenBacklog = 511
    public var drainTimeoutSeconds = 25

    // MARK: Request bodies and audio
    public var maxBodyBytes = 64 << 20
    /// Bodies read and held at once; nil = 2 × `maxConcurrency` (one analysed, one ready per slot).
    public var maxBufferedBodies: Int?
    public var bufferedBodyBytes = 8 << 20
    public var maxDurationSeconds = 3600.0
    public var maxChannels = 8
    public var maxSamples = 115_200_000

    // MARK: Work
    /// Predictions computed at once; nil = cores.
    public var maxConcurrency: Int?
    /// Threads one prediction may use for its windows; nil = cores.
    public var analysisThreads: Int?
    public var maxQueue = 64
    public var queueTimeoutSeconds = 30.0

    // MARK: Live streams
    public var maxStreams = 400
    public var streamMaxDurationSeconds = 14_400.0
    public var streamIdleTimeoutSeconds = 30.0
    public var streamMaxMessageBytes = 1 << 20

    // MARK: Keys, process and logs
    public var apiKeys: [String] = []
    public var adminKey: String?
    public var mallocArenas = 2
    public var logFormat = StructuredLogHandler.Format.json
    public var logLevel = Logger.Level.info

    /// Online cores, the base of the core-relative defaults.
    public var cores: Int

    public init(cores: Int) {
        self.cores = max(1, cores)
    }

    // MARK: Derived configurations

    public var resolvedMaxConcurrency: Int { maxConcurrency ?? cores }

    /// The transport's configuration.
    public var http: HTTPServerConfiguration {
        HTTPServerConfiguration(
            host: host, port: port, threadCount: threads ?? 4 * cores, connectionTimeoutSeconds: connectionTimeoutSeconds,
            maxConnections: maxConnections, maxBodyBytes: maxBodyBytes, maxHeaderBytes: maxHeaderBytes,
            listenBacklog: listenBacklog, maxConnectionsPerClient: maxConnectionsPerClient,
            maxBufferedBodies: maxBufferedBodies ?? 2 * resolvedMaxConcurrency, bufferedBodyBytes: bufferedBodyBytes,
            bodyWaitTimeoutSeconds: queueTimeoutSeconds)
    }

    /// The service's configuration.
    public var service: ServiceConfiguration {
        ServiceConfiguration(
            audioLimits: AudioLimits(maxDurationSeconds: maxDurationSeconds, maxChannels: maxChannels, maxSamples: maxSamples),
            maxConcurrentPredictions: resolvedMaxConcurrency, analysisThreads: analysisThreads ?? cores,
            maxQueuedPredictions: maxQueue, queueTimeoutSeconds: queueTimeoutSeconds, apiKeys: apiKeys, adminKey: adminKey,
            streams: StreamLimits(maxStreams: maxStreams, maxDurationSeconds: streamMaxDurationSeconds,
                                  idleTimeoutSeconds: streamIdleTimeoutSeconds, maxMessageBytes: streamMaxMessageBytes))
    }
}
