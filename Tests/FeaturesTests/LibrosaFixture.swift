import Features
import Foundation
import LinearAlgebra

/// One parameter set of `scripts/fixtures/make-feature-fixtures.py`: a FeatureConfig, its signal and librosa
/// 0.11.0's outputs for it (computed in float64).
struct LibrosaFixture: Decodable {
    struct Reference: Decodable {
        var frameCount: Int
        var melBasis: [[Double]]
        var logMel: [[Double]]
        var mfcc: [[Double]]
        var mfccDelta: [[Double]]
        var mfccDeltaDelta: [[Double]]
        var rms: [Double]
        var zeroCrossingRate: [Double]
        var chroma: [[Double]]
        var spectralCentroid: [Double]
        var spectralFlatness: [Double]
        var spectralRolloff: [Double]
        var yinFrequencies: [Double]
    }

    var librosaVersion: String
    var name: String
    var signal: String
    var sampleCount: Int
    var config: FeatureConfig
    var reference: Reference

    /// The fixture's samples (raw little-endian float32).
    var samples: [Float] { get throws { try Self.loadSignal(signal) } }

    static let names = ["default16k", "wide16k", "narrow8k"]

    static func fixturesDirectory() throws -> URL {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Fixtures") else {
            throw FixtureError.missing("Fixtures directory")
        }
        return url
    }

    static func load(_ name: String) throws -> LibrosaFixture {
        let data = try Data(contentsOf: fixturesDirectory().appendingPathComponent("librosa-\(name).json"))
        return try JSONDecoder().decode(LibrosaFixture.self, from: data)
    }

    static func loadSignal(_ file: String) throws -> [Float] {
        let data = try Data(contentsOf: fixturesDirectory().appendingPathComponent(file))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    enum FixtureError: Error { case missing(String) }
}

extension Matrix {
    /// A matrix from nested rows (fixtures).
    init(_ rows: [[Double]]) {
        self.init(rows: rows.count, columns: rows.first?.count ?? 0, values: rows.flatMap { $0.map(Float.init) })
    }
}

/// Largest absolute difference over the entries where `include` holds, and how many entries were compared.
func largestDifference(_ actual: Matrix, _ expected: [[Double]], where include: (Int, Int, Double) -> Bool = { _, _, _ in true }) -> (Double, Int) {
    var worst = 0.0, compared = 0
    for (r, row) in expected.enumerated() {
        for (c, value) in row.enumerated() where include(r, c, value) {
            worst = max(worst, abs(Double(actual[r, c]) - value))
            compared += 1
        }
    }
    return (worst, compared)
}

func largestDifference(_ actual: [Float], _ expected: [Double]) -> Double {
    zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
}
