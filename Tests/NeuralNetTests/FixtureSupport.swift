import Foundation
@testable import NeuralNet

/// Paths of the parity fixtures written by `scripts/fixtures/make-layer-fixtures.py`.
enum Fixtures {
    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Every case name (a `<case>.safetensors` model with a `<case>.io.safetensors` beside it).
    static var caseNames: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".io.safetensors") }
            .map { String($0.dropLast(".io.safetensors".count)) }
            .sorted()
    }
}

/// Largest violation of the parity tolerance: `|actual − expected| ≤ 1e-4 · max(1, |expected|)`
/// (absolute 1e-4 for values up to 1 in magnitude, relative 1e-4 above). Returns the worst
/// `|actual − expected| / max(1, |expected|)`.
func worstScaledError(_ actual: [Float], _ expected: [Float]) -> Float {
    precondition(actual.count == expected.count)
    var worst: Float = 0
    for (a, e) in zip(actual, expected) {
        let error = abs(a - e) / max(1, abs(e))
        if !(error <= worst) { worst = error }  // NaN counts as worst
    }
    return worst
}

/// The parity tolerance of every layer and whole-network test.
let parityTolerance: Float = 1e-4

