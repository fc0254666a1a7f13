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
            let snapshot = app.registry.snapshot
            var json = JSONWriter()
            json.beginObject()
            json.key("default"); json.string(snapshot.defaultName)
            json.key("models"); json.beginArray()
            for name in snapshot.names {
                let versions = snapshot.versions(of: name)
                let latest = snapshot.models[name]![versions.last!]!
                json.beginObject()
                json.key("name"); json.string(name)
                json.key("versions"); json.beginArray(); for v in versions { json.string(String(v)) }; json.endArray()
                json.key("latest"); json.string(String(versions.last!))
                json.key("labels"); json.beginArray(); for label in latest.labels { json.string(label) }; json.endArray()
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return .json(200, json.bytes)
        }

        router.add("GET", "/v1/models/{name}") { context throws(APIError) in
            let app = try application.require()
            let name = context.parameters["name"] ?? ""
            let versions = try loadedVersions(of: name, in: app.registry.snapshot)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var json = JSONWriter()
            json.beginObject()
            json.key("name"); json.string(name)
            json.key("latest"); json.string(String(versions.keys.max()!))
            json.key("versions"); json.beginArray()
            for version in versions.keys.sorted() {
                let model = versions[version]!
                json.beginObject()
                json.key("version"); json.string(String(version))
                json.key("labels"); json.beginArray(); for label in model.labels { json.string(label) }; json.endArray()
                json.key("feature_config"); json.raw(encode(model.manifest.featureConfig, encoder))
                json.key("input"); json.raw(encode(model.manifest.input, encoder))
                json.key("architecture"); json.raw(model.network.spec.jsonString())
                json.key("temperature"); json.number(model.manifest.temperature)
                json.key("metrics"); json.raw(encode(model.manifest.metrics, encoder))
                json.key("provenance"); json.raw(encode(model.manifest.provenance, encoder))
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return .json(200, json.bytes)
        }

        router.add("POST", "/v1/models/reload", access: .admin) { context throws(APIError) in
            let app = try application.require()
            let report = app.reloadModels(trigger: "admin")
            var json = JSONWriter()
            json.beginObject()
            for (key, list) in [("loaded", report.loaded), ("unchanged", report.unchanged), ("removed", report.removed)] {
                json.key(key); json.beginArray(); for item in list { json.string(item) }; json.endArray()
            }
            json.key("failed"); json.beginArray()
            for failure in report.failed {
                json.beginObject()
                json.key("model"); json.string(failure.model)
                json.key("error"); json.string(failure.error)
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return .json(200, json.bytes)
        }

        // Open Inference Protocol (KServe V2) model metadata and readiness.
        router.add("GET", "/v2/models/{name}") { context throws(APIError) in
            let app = try application.require()
            let name = context.parameters["name"] ?? ""
            let versions = try loadedVersions(of: name, in: app.registry.snapshot)
            let model = versions[versions.keys.max()!]!
            var json = JSONWriter()
            json.beginObject()
            json.key("name"); json.string(name)
            json.key("versions"); json.beginArray(); for v in versions.keys.sorted() { json.string(String(v)) }; json.endArray()
            json.key("platform"); json.string("ser-swift")
            json.key("inputs"); json.beginArray(); json.beginObject()
            json.key("name"); json.string("audio")
            json.key("datatype"); json.string("BYTES")
            json.key("shape"); json.beginArray(); json.int(1); json.endArray()
            json.endObject(); json.endArray()
            json.key("outputs"); json.beginArray(); json.beginObject()
            json.key("name"); json.string("probabilities")
            json.key("datatype"); json.string("FP32")
            json.key("shape"); json.beginArray(); json.int(model.labels.count); json.endArray()
            json.endObject(); json.endArray()
            json.endObject()
            return .json(200, json.bytes)
        }

        router.add("GET", "/v2/models/{name}/ready") { context throws(APIError) in
            let app = try application.require()
            let name = context.parameters["name"] ?? ""
            _ = try loadedVersions(of: name, in: app.registry.snapshot)
            return .json(200, Array("{\"name\":\(JSONString.quote(name)),\"ready\":true}".utf8))
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

    private static func encode<T: Encodable>(_ value: T, _ encoder: JSONEncoder) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
