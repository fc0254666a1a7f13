import Foundation
import Model
import LinearAlgebra

/// Finds and loads a model given the way people name one on a command line.
public enum ModelLocator {
    /// Why no model could be loaded.
    public struct LocateError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The model at `path`, which may be a `.safetensors` file, a registry version directory
    /// (`Models/<name>/<version>/`, holding `model.safetensors`), or a model directory
    /// (`Models/<name>/`, whose highest numbered version is taken).
    public static func load(_ path: String) throws -> EmotionModel {
        let file = try resolve(path)
        do {
            return try EmotionModel(contentsOfFile: file, fftPlanning: .estimate)
        } catch {
            throw LocateError(description: "\(error)")
        }
    }

    /// The model file `path` designates.
    public static func resolve(_ path: String) throws -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { throw LocateError(description: "\(path) does not exist") }
        guard isDirectory.boolValue else { return path }
        let direct = (path as NSString).appendingPathComponent(ModelFile.fileName)
        if fm.fileExists(atPath: direct) { return direct }
        let versions = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).compactMap { entry -> Int? in
            guard let v = Int(entry), v > 0, String(v) == entry else { return nil }
            return fm.fileExists(atPath: (path as NSString).appendingPathComponent("\(entry)/\(ModelFile.fileName)")) ? v : nil
        }
        guard let latest = versions.max() else {
            throw LocateError(description: "\(path) holds neither \(ModelFile.fileName) nor numbered version directories with one")
        }
        return (path as NSString).appendingPathComponent("\(latest)/\(ModelFile.fileName)")
    }
}
