import HTTPServer
import Logging
import ModelRegistry

/// The whole service, wired: the model registry, the application (routes, limits, metrics), and the
/// HTTP server in front of it. `buildServer(configuration:logger:bodyReleased:)` makes it; the
/// executable and the live tests both run it this way.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    public let registry: ModelRegistry
    public let application: ServiceApplication
    public let http: HTTPServer
    let logger: Logger

    init(configuration: ServerConfiguration, logger: Logger, bodyReleased: (@Sendable (Int) -> Void)?) {
        self.configuration = configuration
        self.logger = logger
        registry = ModelRegistry(directory: configuration.modelsDirectory, defaultModel: configuration.defaultModel, logger: logger)
        let application = ServiceApplication(registry: registry, configuration: configuration.service, logger: logger)
        self.application = application
        http = HTTPServer(configuration: configuration.http, logger: logger, bodyReleased: bodyReleased) { application.respond(to: $0) }
    }

    /// The port listened on (the one picked when the configuration asked for 0).
    public var port: Int { http.port }

    /// Listens first, so liveness answers while models load, then loads the models directory;
    /// readiness waits for a model. Returns the load report.
    @discardableResult
    public func start() throws(HTTPServerError) -> ReloadReport {
        try http.start()
        let report = application.reloadModels(trigger: "startup")
        if registry.readyModelNames.isEmpty {
            logger.warning("no model loaded; readiness stays 503 until one is added and SIGHUP is sent",
                           metadata: ["models": "\(configuration.modelsDirectory)", "failed": "\(report.failed.map(\.error))"])
        } else {
            logger.info("ready", metadata: ["models": "\(registry.readyModelNames)"])
        }
        return report
    }

    /// Fails readiness, ends the live streams (each gets its summary and a 1001 close) and lets
    /// in-flight requests finish, all within the drain timeout, and stops; returns the number of
    /// requests abandoned.
    @discardableResult
    public func drain() -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(configuration.drainTimeoutSeconds))
        application.beginDraining()
        let openStreams = application.drainStreams(timeout: deadline - clock.now)
        if openStreams > 0 { logger.warning("live streams still open at the drain timeout", metadata: ["streams": "\(openStreams)"]) }
        return http.shutdown(gracePeriod: max(.zero, deadline - clock.now))
    }
}

/// Builds the service from its configuration (hummingbird's `buildApplication`): the one place the
/// registry, the application and the HTTP server are wired together.
/// - Parameter bodyReleased: called with each request body's size after its request (the executable
///   trims the heap after large ones).
public func buildServer(configuration: ServerConfiguration, logger: Logger,
                        bodyReleased: (@Sendable (Int) -> Void)? = nil) -> Server {
    Server(configuration: configuration, logger: logger, bodyReleased: bodyReleased)
}
