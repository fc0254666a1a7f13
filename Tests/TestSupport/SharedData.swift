import Foundation

/// Locates the team's shared corpora (`../shared/data` beside the repository root), which tests that
/// need real speech use and skip without.
public enum SharedData {
    /// The data directory, or nil when it is absent (tests then skip with `skipMessage`).
    public static var directory: URL? {
        if let override = ProcessInfo.processInfo.environment["SER_SHARED_DATA"] {
            let url = URL(fileURLWithPath: override)
            return FileManager.default.fileExists(atPath: url.appendingPathComponent("manifest.csv").path) ? url : nil
        }
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("manifest.csv").path) ? url : nil
    }

    public static let skipMessage = "../shared/data (RAVDESS, EMO-DB, TESS, nEMO) is absent; set SER_SHARED_DATA to run tests on real speech"

    /// The repository root, found from this source file's path.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
