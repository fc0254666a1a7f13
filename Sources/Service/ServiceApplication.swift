import HTTPServer
import Logging
import ModelRegistry
import Synchronization

/// The service's request pipeline: request id, routing, errors as JSON, and one structured log line
/// per request. `respond(to:)` is what the HTTP server calls for every request, and what tests call
/// in memory without a socket.
public final class ServiceApplication: Sendable {
    public static let version = "1.0.0"

    let logger: Logger
    public let registry: ModelRegistry
    public let configuration: ServiceConfiguration
    public let metrics = Metrics()
    let authenticator: Authenticator
    let limiter: ConcurrencyLimiter
    /// The live streams open now (`/v1/stream`).
    let streams: StreamHub
    private let router: Router
    private let draining = Atomic<Bool>(false)

    /// - Parameters:
    ///   - registry: the models to serve (readiness is "at least one loaded").
    ///   - configuration: limits, concurrency and keys.
    ///   - logger: the logger every request line and event goes to.
    public init(registry: ModelRegistry, configuration: ServiceConfiguration, logger: Logger) {
        self.logger = logger
        self.registry = registry
        self.configuration = configuration
        self.authenticator = Authenticator(apiKeys: configuration.apiKeys, adminKey: configuration.adminKey)
        self.limiter = ConcurrencyLimiter(maxRunning: configuration.maxConcurrentPredictions,
                                          maxWaiting: configuration.maxQueuedPredictions,
                                          timeoutSeconds: configuration.queueTimeoutSeconds)
        self.streams = StreamHub(limits: configuration.streams, scoringSlots: configuration.maxConcurrentPredictions)
        var router = Router()
        // Route closures reach the finished application through this box (no retain cycle, and
        // `self` is complete only after init).
        let box = ApplicationBox()
        HealthRoutes.register(in: &router, application: box.proxy)
        PredictRoute.register(in: &router, application: box.proxy)
        StreamRoute.register(in: &router, application: box.proxy)
        ModelRoutes.register(in: &router, application: box.proxy)
        PageRoute.register(in: &router)
        self.router = router
        box.application = self
    }

    /// Rescans the models directory (start-up, SIGHUP, admin route) and records the outcome.
    @discardableResult
    public func reloadModels(trigger: String) -> ReloadReport {
        let report = registry.reload()
        let snapshot = registry.snapshot
        let current = snapshot.names.flatMap { name in snapshot.versions(of: name).map { (name: name, version: String($0)) } }
        metrics.modelsLoaded(succeeded: report.loaded.count, failed: report.failed.count, current: current)
        logger.info("models reloaded", metadata: [
            "trigger": "\(trigger)", "loaded": "\(report.loaded)", "unchanged": "\(report.unchanged.count)",
            "removed": "\(report.removed)", "failed": "\(report.failed.map(\.model))",
            "default": "\(snapshot.defaultName ?? "none")",
        ])
        return report
    }

    /// Whether shutdown has begun (readiness then answers 503 so load balancers stop sending).
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Marks the service as draining: readiness fails from now on.
    public func beginDraining() { draining.store(true, ordering: .relaxed) }

    /// Ends every live stream (its last segments, summary and a 1001 close) and waits up to `timeout`
    /// for them; returns the number still open. New streams are refused from now on.
    @discardableResult
    public func drainStreams(timeout: Duration) -> Int { streams.drain(timeout: timeout) }

    /// Live streams open now.
    public var openStreams: Int { streams.openStreams }

    func readyModels() -> [String] { registry.readyModelNames }

    /// Every route the service serves (method and path pattern).
    public var routes: [(method: String, path: String)] { router.patterns }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let clock = ContinuousClock()
        let started = clock.now
        let requestID = Self.requestID(from: request)
        var requestLogger = logger
        requestLogger[metadataKey: "request_id"] = "\(requestID)"
        var context = RequestContext(request: request, parameters: [:], requestID: requestID, logger: requestLogger)

        metrics.requestStarted()
        var response: HTTPResponse
        var route = "unmatched"
        switch router.match(method: request.method, path: request.path) {
        case .found(let handler, let parameters, let pattern, let access):
            route = pattern
            context.parameters = parameters
            do {
                try authenticator.authorize(access, request)
                response = try handler(context)
            } catch {
                response = error.response
                context.logMetadata["error_code"] = "\(error.code)"
                if error.status == 503, route == "/v1/predict" { metrics.queueRejected() }
            }
        case .methodNotAllowed(let allowed):
            response = APIError.methodNotAllowed(request.method, allowed: allowed).response
        case .notFound:
            response = APIError.notFound().response
        }
        if request.method == "HEAD" { response.body = [] }
        response.headers.append(("X-Request-Id", requestID))

        let elapsed = clock.now - started
        metrics.requestFinished(route: route, method: request.method, status: response.status, seconds: elapsed / .seconds(1))
        var metadata = context.logMetadata.values
        metadata["method"] = "\(request.method)"
        metadata["path"] = "\(request.path)"
        metadata["status"] = "\(response.status)"
        metadata["duration_ms"] = "\((elapsed / .milliseconds(1) * 1000).rounded() / 1000)"
        metadata["body_bytes"] = "\(request.body.count)"
        requestLogger.info("request", metadata: metadata)
        return response
    }


    /// The client's X-Request-Id if it is 1-128 characters of [A-Za-z0-9._-], else a random 128-bit hex id.
    static func requestID(from request: HTTPRequest) -> String {
        if let given = request.header("X-Request-Id"), (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 == 45 || $0 == 46 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }) {
            return given
        }
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Lets route closures registered during `init` reach the finished application without a retain
/// cycle through the router.
final class ApplicationBox: @unchecked Sendable {
    weak var application: ServiceApplication?
    var proxy: ApplicationProxy { ApplicationProxy(box: self) }
}

/// The part of the application routes use, resolved lazily through the box.
struct ApplicationProxy: Sendable {
    let box: ApplicationBox

    func require() throws(APIError) -> ServiceApplication {
        guard let application = box.application else { throw APIError.unavailable("starting up", retryAfterSeconds: 1) }
        return application
    }
    var isDraining: Bool { box.application?.isDraining ?? true }
    func readyModels() -> [String] { box.application?.readyModels() ?? [] }
}

