import HTTPServer

/// Liveness, readiness, server metadata and the API document: what load balancers, Kubernetes probes
/// and people exploring the API call first. Liveness never depends on model loading.
enum HealthRoutes {
    static func register(in router: inout Router, application: ApplicationProxy) {
        let live: Router.Handler = { _ in .json(200, Array("{\"live\":true}".utf8)) }
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
            let list = models.map(JSONString.quote).joined(separator: ",")
            return .json(200, Array("{\"ready\":true,\"models\":[\(list)]}".utf8))
        }
        router.add("GET", "/v2/health/ready", ready)
        router.add("GET", "/readyz", ready)

        router.add("GET", "/v2") { _ in
            let body = "{\"name\":\"ser-server\",\"version\":\(JSONString.quote(ServiceApplication.version)),\"extensions\":[]}"
            return .json(200, Array(body.utf8))
        }

        router.add("GET", "/openapi.yaml") { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", "application/yaml")], body: PackageResources.openapi_yaml)
        }
    }
}
