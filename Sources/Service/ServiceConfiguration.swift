import AudioDecoding

/// What the service accepts and how much work it takes on. Made from `ServerConfiguration.service`,
/// where every field is a flag and a `SER_*` variable with its one default.
public struct ServiceConfiguration: Sendable {
    /// Bounds on uploaded audio (duration, channels, sample rates).
    public var audioLimits: AudioLimits
    /// Predictions computed at the same time (each uses one core); the rest wait in the queue.
    public var maxConcurrentPredictions: Int
    /// Threads one prediction may use at once for its windows (a stereo call's channels, a long
    /// recording's 6 s windows); 1 keeps every prediction on one core.
    public var analysisThreads: Int
    /// Predictions allowed to wait for a slot; beyond that the server answers 503 with Retry-After
    /// instead of queueing without bound.
    public var maxQueuedPredictions: Int
    /// Longest a queued prediction waits for a slot before it gets 503, seconds.
    public var queueTimeoutSeconds: Double
    /// API keys accepted on /v1 routes as `Authorization: Bearer <key>`; empty = no key needed.
    public var apiKeys: [String]
    /// Key for `POST /v1/models/reload`; nil = reload only by SIGHUP.
    public var adminKey: String?
    /// Bounds on live streams (`/v1/stream`).
    public var streams: StreamLimits

    public init(audioLimits: AudioLimits, maxConcurrentPredictions: Int, analysisThreads: Int,
                maxQueuedPredictions: Int, queueTimeoutSeconds: Double, apiKeys: [String], adminKey: String?, streams: StreamLimits) {
        self.streams = streams
        self.audioLimits = audioLimits
        self.maxConcurrentPredictions = maxConcurrentPredictions
        self.analysisThreads = analysisThreads
        self.maxQueuedPredictions = maxQueuedPredictions
        self.queueTimeoutSeconds = queueTimeoutSeconds
        self.apiKeys = apiKeys
        self.adminKey = adminKey
    }
}

/// Bounds on live streams: how many at once, how long each, how long without a frame, how large a message.
public struct StreamLimits: Sendable {
    /// Streams open at once; more get 503 before the upgrade.
    public var maxStreams: Int
    /// Longest a stream may run, seconds of wall time.
    public var maxDurationSeconds: Double
    /// Seconds a stream may go without a frame from the client, and the longest a message waits for
    /// the client to read it.
    public var idleTimeoutSeconds: Double
    /// Largest message (reassembled from its fragments) a client may send, bytes.
    public var maxMessageBytes: Int

    public init(maxStreams: Int, maxDurationSeconds: Double, idleTimeoutSeconds: Double, maxMessageBytes: Int) {
        self.maxStreams = maxStreams
        self.maxDurationSeconds = maxDurationSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxMessageBytes = maxMessageBytes
    }
}
