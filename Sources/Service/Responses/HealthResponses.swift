/// `GET /v2/health/live` and `/healthz`.
struct LiveResponse: Encodable {
    var live = true
}

/// `GET /v2/health/ready` and `/readyz` when a model is loaded.
struct ReadyResponse: Encodable {
    var ready = true
    var models: [String]
}

/// `GET /v2`: the Open Inference Protocol's server metadata.
struct ServerMetadataResponse: Encodable {
    var name = "ser-server"
    var version = ServiceApplication.version
    var extensions: [String] = []
}
