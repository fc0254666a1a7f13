#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import Model
import Synchronization

/// Every model under a directory in the TensorFlow Serving / Triton layout
/// `<directory>/<name>/<version>/model.safetensors`, versions being positive integers (the highest is
/// "latest").
///
/// Requests look models up in an immutable snapshot; `reload()` builds the next snapshot off the
/// request path (loading only new or changed files) and swaps it in atomically. A request that already
/// holds a model keeps it until it finishes (ARC keeps the old version alive), and a version that fails
/// to load leaves the previously loaded one serving.
public final class ModelRegistry: Sendable {
    /// What the registry serves at one instant.
    public struct Snapshot: Sendable {
        /// name → version number → model.
        public var models: [String: [Int: EmotionModel]]
        /// Name used when a request names no model.
        public var defaultName: String?
        /// File identity of every loaded model, to skip unchanged files on reload.
        var fingerprints: [String: FileFingerprint]

        public var names: [String] { models.keys.sorted() }

        /// Version numbers of `name`, ascending.
        public func versions(of name: String) -> [Int] { (models[name] ?? [:]).keys.sorted() }
    }

    public let directory: URL
    let configuredDefault: String?
    let logger: Logger
    private let current = Mutex(Snapshot(models: [:], defaultName: nil, fingerprints: [:]))
    /// One reload at a time (SIGHUP and the admin route may race).
    private let reloadLock = Mutex(())

    /// - Parameters:
    ///   - directory: the models directory (e.g. `Models/`).
    ///   - defaultModel: the model used when a request names none; nil = the only model, or the first by name.
    public init(directory: String, defaultModel: String? = nil, logger: Logger) {
        self.directory = URL(fileURLWithPath: directory)
        self.configuredDefault = defaultModel
        self.logger = logger
    }

    public var snapshot: Snapshot { current.withLock { $0 } }

    /// Names of the models that can serve now.
    public var readyModelNames: [String] { snapshot.names }

    /// The model for `name` (nil = default) and `version` (nil or "latest" = highest).
    public func model(named name: String?, version: String? = nil) throws(ModelLookupError) -> EmotionModel {
        let snapshot = self.snapshot
        guard let resolved = name ?? snapshot.defaultName else { throw .noModelsLoaded }
        guard let versions = snapshot.models[resolved], !versions.isEmpty else { throw .unknownModel(resolved, available: snapshot.names) }
        if let version, version != "latest" {
            guard let number = Int(version), let model = versions[number] else {
                throw .unknownVersion(name: resolved, version: version, available: versions.keys.sorted().map(String.init))
            }
            return model
        }
        return versions[versions.keys.max()!]!
    }

    /// Parses "name" or "name:version".
    public static func parseReference(_ reference: String) -> (name: String, version: String?) {
        guard let colon = reference.lastIndex(of: ":") else { return (reference, nil) }
        return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
    }

    // MARK: Loading

    /// Rescans the directory: loads new and changed versions, drops removed ones, keeps unchanged ones,
    /// and keeps serving the previous file of any version whose new file fails to load.
    @discardableResult
    public func reload() -> ReloadReport {
        reloadLock.withLock { _ in
            let previous = snapshot
            var next = Snapshot(models: [:], defaultName: nil, fingerprints: [:])
            var report = ReloadReport()
            var loadedModels: [EmotionModel] = []
            let found = scan(&report)
            for (name, version, path) in found {
                let id = "\(name):\(version)"
                let fingerprint = FileFingerprint(path: path)
                if let old = previous.models[name]?[version], let fingerprint, previous.fingerprints[id] == fingerprint {
                    next.models[name, default: [:]][version] = old
                    next.fingerprints[id] = fingerprint
                    report.unchanged.append(id)
                    continue
                }
                do throws(ModelFileError) {
                    let model = try EmotionModel(contentsOfFile: path)
                    guard model.name == name, model.version == String(version) else {
                        throw .inconsistent(file: path, reason: "the manifest says \(model.name):\(model.version) but the file is at \(name)/\(version)/")
                    }
                    // Warm up here, off the request path: the first session builds the filterbanks and
                    // plans the FFTs (time-bounded, so readiness waits ~30 ms; refined in the
                    // background below once serving), so the first request needs no planning.
                    model.withSession { _ in }
                    loadedModels.append(model)
                    next.models[name, default: [:]][version] = model
                    next.fingerprints[id] = fingerprint
                    report.loaded.append(id)
                    logger.info("model loaded", metadata: ["model": "\(id)", "labels": "\(model.labels.joined(separator: ","))", "path": "\(path)"])
                } catch {
                    report.failed.append(.init(model: id, error: error.description))
                    logger.error("model failed to load", metadata: ["model": "\(id)", "error": "\(error)"])
                    if let old = previous.models[name]?[version] {
                        next.models[name, default: [:]][version] = old
                        next.fingerprints[id] = previous.fingerprints[id]
                        logger.warning("previous version keeps serving", metadata: ["model": "\(id)"])
                    }
                }
            }
            for (name, versions) in previous.models {
                for version in versions.keys where next.models[name]?[version] == nil {
                    report.removed.append("\(name):\(version)")
                }
            }
            if let configuredDefault, next.models[configuredDefault] != nil {
                next.defaultName = configuredDefault
            } else {
                if let configuredDefault {
                    logger.warning("configured default model is not loaded", metadata: ["model": "\(configuredDefault)"])
                }
                next.defaultName = next.models.keys.sorted().first
            }
            current.withLock { $0 = next }
            report.loaded.sort(); report.unchanged.sort(); report.removed.sort()
            refineInBackground(loadedModels)
            return report
        }
    }

    /// Plans the FFTs of newly loaded models without FFTW's time limit on a background thread (about
    /// 0.3 s for the default model's three sizes, instant for sizes planned before in the process), so
    /// readiness waits only for the quick time-bounded plans and steady-state requests get the fastest
    /// ones (`EmotionModel.refineFFTPlans()`).
    private func refineInBackground(_ models: [EmotionModel]) {
        guard !models.isEmpty else { return }
        let logger = logger
        DispatchQueue(label: "fft-plans", qos: .utility).async {
            for model in models {
                let elapsed = model.refineFFTPlans()
                logger.info("FFT plans refined", metadata: ["model": "\(model.name):\(model.version)",
                                                           "ms": "\((elapsed / .milliseconds(1)).rounded())"])
            }
        }
    }

    /// Every `<name>/<version>/model.safetensors` under the directory. Names must be safe path
    /// components and versions positive integers; anything else is reported and skipped.
    private func scan(_ report: inout ReloadReport) -> [(String, Int, String)] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else {
            report.failed.append(.init(model: directory.path, error: "cannot read the models directory"))
            return []
        }
        var found: [(String, Int, String)] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let modelDirectory = directory.appendingPathComponent(name)
            guard FileFingerprint.isDirectory(modelDirectory.path) else { continue }
            guard Self.isSafeName(name) else {
                report.failed.append(.init(model: name, error: "model names may use only letters, digits, '-', '_' and '.'"))
                continue
            }
            for entry in ((try? fm.contentsOfDirectory(atPath: modelDirectory.path)) ?? []).sorted() where !entry.hasPrefix(".") {
                guard let version = Int(entry), version > 0, String(version) == entry else { continue }
                let file = modelDirectory.appendingPathComponent(entry).appendingPathComponent(ModelFile.fileName).path
                if fm.fileExists(atPath: file) {
                    found.append((name, version, file))
                } else {
                    report.failed.append(.init(model: "\(name):\(version)", error: "no \(ModelFile.fileName) in \(name)/\(entry)/"))
                }
            }
        }
        return found
    }

    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && name != "." && name != ".."
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic && $0.isASCII || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }
}

/// The outcome of a reload, as `POST /v1/models/reload` reports it.
public struct ReloadReport: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        public var model: String
        public var error: String
    }

    /// "name:version" loaded or replaced by a changed file.
    public var loaded: [String] = []
    public var unchanged: [String] = []
    public var removed: [String] = []
    public var failed: [Failure] = []
}

/// Why a request's model reference did not resolve.
public enum ModelLookupError: Error, Equatable, Sendable, CustomStringConvertible {
    case noModelsLoaded
    case unknownModel(String, available: [String])
    case unknownVersion(name: String, version: String, available: [String])

    public var description: String {
        switch self {
        case .noModelsLoaded: "no model is loaded"
        case .unknownModel(let name, let available):
            "no model named '\(name)'; loaded models: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .unknownVersion(let name, let version, let available):
            "model '\(name)' has no version '\(version)'; versions: \(available.joined(separator: ", "))"
        }
    }
}

/// Identity of a file's contents as the file system reports it: a rewritten or replaced file changes
/// its size, modification time or inode.
struct FileFingerprint: Sendable, Equatable {
    let size: Int
    let modified: Double
    let inode: Int

    /// From `stat(2)`: size in bytes, modification time in seconds since 1970, inode number.
    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        size = Int(status.st_size)
        #if canImport(Glibc)
        modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) * 1e-9
        #else
        modified = Double(status.st_mtimespec.tv_sec) + Double(status.st_mtimespec.tv_nsec) * 1e-9
        #endif
        inode = Int(status.st_ino)
    }

    /// Whether `path` names a directory (following symbolic links, as a models volume may use them).
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
