#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPServer
import Model
import ModelRegistry
import NeuralNet

/// `GET /v1/models`, `GET /v1/models/{name}`, `POST /v1/models/reload`, and the Open Inference
/// Protocol's model metadata and readiness.
enum ModelRoutes {
    static func register(in router: inout Router, application: ApplicationProxy) {
        router.add("GET", "/v1/models") { context throws(APIError) in
            let app = try application.require()
            return .json(200, encoding: ModelListResponse(app.registry.snapshot))
        }

        router.add("GET", "/v1/models/{name}") { context throws(APIError) in
            let app = try application.require()
            let name = context.parameters["name"] ?? ""
            return .json(200, encoding: ModelDetailResponse(name: name, versions: try loadedVersions(of: name, in: app.registry.snapshot)))
        }

        router.add("POST", "/v1/models/reload", access: .admin) { context throws(APIError) in
            let app = try application.require()
            return .json(200, encoding: ReloadReportResponse(app.reloadModels(trigger: "admin")))
        }

        // Open Inference Protocol (KServe V2) model metadata and readiness.
        router.add("GET", "/v2/models/{name}") { context throws(APIError) in
            let app = try application.require()
            let name = context.parameters["name"] ?? ""
            let versions = try loadedVersions(of: name, in: app.registry.snapshot)
            return .json(200, encoding: V2ModelMetadataResponse(name: name, versions: Array(versions.keys),
                                                                 labelCount: versions[versions.keys.max()!]!.labels.count))
        }

        router.add("GET", "/v2/models/{name}/ready") { context throws(APIError) in
            let app = try application.require()
            let name = context.parameters["name"] ?? ""
            _ = try loadedVersions(of: name, in: app.registry.snapshot)
            return .json(200, encoding: V2ModelReadyResponse(name: name))
        }

        router.add("GET", "/metrics") { _ throws(APIError) in
            let app = try application.require()
            let text = app.metrics.render(predictionsRunning: app.limiter.running, predictionsQueued: app.limiter.waiting)
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: Array(text.utf8))
        }
    }

    /// The loaded versions of model `name`, or 404 `model_not_found` naming the loaded models.
    private static func loadedVersions(of name: String, in snapshot: ModelRegistry.Snapshot) throws(APIError) -> [Int: EmotionModel] {
        guard let versions = snapshot.models[name], !versions.isEmpty else {
            throw APIError(status: 404, code: "model_not_found", message: ModelLookupError.unknownModel(name, available: snapshot.names).description)
        }
        return versions
    }
}
