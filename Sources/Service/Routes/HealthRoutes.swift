import HTTPServer

/// Liveness, readiness, server metadata and the API document: what load balancers, Kubernetes probes
/// and people exploring the API call first. Liveness never depends on model loading.
enum HealthRoutes {
    static func register(in router: inout Router, application: ApplicationProxy) {
        let live: Router.Handler = { _ in .json(200, encoding: LiveResponse()) }
        router.add("GET", "/v2/health/live", live)
        router.add("GET", "/healthz", live)

        let ready: Router.Handler = { _ throws(APIError) in
            if application.isDraining {
                throw APIError.unavailable("the server is shutting down", retryAfterSeconds: 1)
            }
            let models = application.readyModels()
            guard !models.isEmpty else {
                throw APIError.unavailable("no model is loaded yet", retryAfterSeconds: 1)
            }
            return .json(200, encoding: ReadyResponse(models: models))
        }
        router.add("GET", "/v2/health/ready", ready)
        router.add("GET", "/readyz", ready)

        router.add("GET", "/v2") { _ in
            .json(200, encoding: ServerMetadataResponse())
        }

        router.add("GET", "/openapi.yaml") { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", "application/yaml")], body: PackageResources.openapi_yaml)
        }
    }
}
