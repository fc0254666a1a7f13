import HTTPServer
import Logging

extension ServerSetting {
    /// Every setting, in the order `--help` and the README list them.
    public static let all: [ServerSetting] = [
        .text("models", "directory", default: "Models", "Models directory (<name>/<version>/model.safetensors).") { $1.modelsDirectory = $0 },
        .text("default-model", "name", default: "the only model, or the first by name", "Model used when a request names none.") {
            $1.defaultModel = $0
        },
        .text("host", "address", default: "::",
              "Address to listen on: '::' is every IPv6 and IPv4 address, '0.0.0.0' every IPv4 address, or one address such as 127.0.0.1.") {
            $1.host = $0
        },
        .integer("port", "port", default: "8080", "TCP port; 0 picks a free one.", minimum: 0, maximum: 65535, \.port),
        .derivedInteger("threads", "count", default: "4 x cores", "HTTP worker threads (each serves its connections; requests beyond --max-concurrency wait for a slot).",
                        minimum: 1, \.threads),
        .integer("connection-timeout", "seconds", default: "30", "Seconds an idle or trickling connection may stay open (slow-client defence).",
                 minimum: 1, \.connectionTimeoutSeconds),
        .integer("max-connections", "count", default: "1000", "Concurrent connections accepted.", minimum: 1, \.maxConnections),
        .integer("max-connections-per-client", "count", default: "0 (no limit)",
                 "Concurrent connections one client address may hold, against slow clients trickling headers (slowloris); keep 0 behind a proxy.",
                 minimum: 0, \.maxConnectionsPerClient),
        .integer("max-header-bytes", "bytes", default: "65536 (64 KiB)", "Largest request line and headers; a longer head is refused.",
                 minimum: 1024, \.maxHeaderBytes),
        .integer("listen-backlog", "count", default: "511", "Connections waiting to be accepted (listen(2) backlog).", minimum: 1, \.listenBacklog),
        .integer("drain-timeout", "seconds", default: "25", "Seconds to let in-flight requests finish after SIGTERM before exiting.",
                 minimum: 0, \.drainTimeoutSeconds),
        .integer("max-body-bytes", "bytes", default: "67108864 (64 MiB)", "Largest request body accepted; larger gets 413 before it is read.",
                 minimum: 1, \.maxBodyBytes),
        .derivedInteger("max-buffered-bodies", "count", default: "2 x max-concurrency",
                        "Requests with a body read and held at once (uploading, queued or analysed) before only small ones get in; later ones wait unread in their sockets, first come first served, so body memory stays bounded. 0 = no limit.",
                        minimum: 0, \.maxBufferedBodies),
        .integer("buffered-body-bytes", "bytes", default: "8388608 (8 MiB)",
                 "Declared body bytes held at once up to which requests are read even beyond --max-buffered-bodies, so short clips never wait.",
                 minimum: 0, \.bufferedBodyBytes),
        .seconds("max-duration", default: "3600", "Longest audio accepted, seconds; longer gets 413.", \.maxDurationSeconds),
        .integer("max-channels", "count", default: "8", "Most audio channels accepted.", minimum: 1, \.maxChannels),
        .integer("max-samples", "count", default: "115200000 (1 h of 16 kHz stereo)",
                 "Most decoded samples per request over all channels (4 bytes each; bounds decoding memory).", minimum: 1, \.maxSamples),
        .derivedInteger("max-concurrency", "count", default: "cores", "Predictions computed in parallel.", minimum: 1, \.maxConcurrency),
        .derivedInteger("analysis-threads", "count", default: "cores",
                        "Threads one prediction may use for its windows (a stereo call's channels, a long recording's windows), shared among the predictions running when it starts (a call alone gets them all; under load each gets one). 1 = one core per prediction.",
                        minimum: 1, \.analysisThreads),
        .integer("max-queue", "count", default: "64", "Predictions that may wait for a free slot; beyond that, 503 with Retry-After.",
                 minimum: 0, \.maxQueue),
        .seconds("queue-timeout", default: "30",
                 "Seconds a queued prediction may wait before it gets 503 (also the longest a request waits for its body to be read).",
                 \.queueTimeoutSeconds),
        .integer("max-streams", "count", default: "400", "Live streams (/v1/stream) open at once; more get 503 before the upgrade.",
                 minimum: 0, \.maxStreams),
        .seconds("stream-max-duration", default: "14400 (4 h)",
                 "Longest a live stream may run, seconds; then it gets its summary and a 1008 close.", \.streamMaxDurationSeconds),
        .seconds("stream-idle-timeout", default: "30",
                 "Seconds a live stream may go without a frame from the client, and the longest a message may wait for the client to read it.",
                 \.streamIdleTimeoutSeconds),
        .integer("stream-max-message-bytes", "bytes", default: "1048576 (1 MiB)",
                 "Largest WebSocket message a stream client may send (an audio frame, or a text message); larger gets a 1009 close.",
                 minimum: 1024, \.streamMaxMessageBytes),
        .text("api-keys", "keys", default: "none (open)",
              "Comma-separated API keys required on /v1 routes as 'Authorization: Bearer <key>' (or, for /v1/stream, the WebSocket subprotocol 'bearer.<key>').") {
            $1.apiKeys = $0.split(separator: ",").map(String.init).filter { !$0.isEmpty }
        },
        .text("admin-key", "key", default: "none (reload by SIGHUP only)", "Key for POST /v1/models/reload.") { $1.adminKey = $0 },
        .integer("malloc-arenas", "count", default: "2",
                 "Most glibc malloc arenas (freed request buffers otherwise stay mapped in up to 8 per core); 0 = glibc's default.",
                 minimum: 0, \.mallocArenas),
        ServerSetting("log-format", "format", default: "json", "Log line format: json or logfmt.") { text, configuration in
            guard let format = StructuredLogHandler.Format(rawValue: text) else { return "json or logfmt" }
            configuration.logFormat = format
            return nil
        },
        ServerSetting("log-level", "level", default: "info",
                      "Least severe log level written: trace, debug, info, notice, warning, error, critical.") { text, configuration in
            guard let level = Logger.Level(rawValue: text) else { return "one of trace, debug, info, notice, warning, error, critical" }
            configuration.logLevel = level
            return nil
        },
    ]
}
