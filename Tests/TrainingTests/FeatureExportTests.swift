import Features
@testable import Training
import Foundation
import LinearAlgebra
import Testing
import TestSupport

@Suite("Feature export")
struct FeatureExportTests {
    @Test func kindAndFormatNamesAreTheCLIs() {
        #expect(FeatureKind.allCases.map(\.rawValue) == ["logmel", "mfcc", "pitch", "energy", "zcr", "formants", "chroma", "functionals"])
        #expect(ExportFormat.allCases.map(\.rawValue) == ["csv", "json", "npy"])
    }

    @Test func npyHeaderAndDataFollowTheV1Format() {
        let matrix = Matrix(rows: 2, columns: 3, values: [1, -2, 0.5, 3, 4, 1e-10])
        let bytes = NumPyFormat.encode(matrix)
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(bytes.count == 10 + headerLength + 4 * 6)
        let data = Array(bytes[(10 + headerLength)...])
        let decoded = (0..<6).map { i in
            Float(bitPattern: UInt32(data[4 * i]) | UInt32(data[4 * i + 1]) << 8 | UInt32(data[4 * i + 2]) << 16 | UInt32(data[4 * i + 3]) << 24)
        }
        #expect(decoded == matrix.values)
    }

    @Test func csvHasAHeaderAndOneLinePerFrame() throws {
        let extractor = try FeatureExtractor()
        let samples = SyntheticSignals.sine(frequency: 300, sampleRate: 16_000, seconds: 0.1)
        let text = String(decoding: FeatureExport.render(kind: .energy, format: .csv, samples: samples, extractor: extractor), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "time_s,rms,energy_db")
        #expect(lines.count == 1 + 11)
        #expect(lines[1].hasPrefix("0.0,"))
        #expect(lines[2].hasPrefix("0.01,"))
        let rms = extractor.rms(samples)
        #expect(Float(lines[5].split(separator: ",")[1]) == rms[4])
    }

    @Test func jsonParsesWithShapeNamesAndTimes() throws {
        let extractor = try FeatureExtractor()
        let samples = SyntheticSignals.harmonicTone(frequency: 200, sampleRate: 16_000, seconds: 0.25)
        let bytes = FeatureExport.render(kind: .mfcc, format: .json, samples: samples, extractor: extractor)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["kind"] as? String == "mfcc")
        #expect((object["rowNames"] as? [String])?.first == "mfcc_0")
        #expect(object["shape"] as? [Int] == [20, 26])
        #expect((object["frameTimes"] as? [Double])?.count == 26)
        let values = try #require(object["values"] as? [[Double]])
        let mfcc = extractor.mfcc(samples)
        #expect(values.count == 20 && values[3].count == 26)
        #expect(Float(values[3][7]) == mfcc[3, 7])
    }

    @Test(arguments: FeatureKind.allCases)
    func everyKindRendersInEveryFormat(kind: FeatureKind) throws {
        let extractor = try FeatureExtractor()
        let samples = SyntheticSignals.vowel(f0: 120, formants: [700, 1200, 2600], bandwidths: [80, 100, 120],
                                             sampleRate: 16_000, seconds: 0.5)
        let table = FeatureExport.table(kind: kind, samples: samples, extractor: extractor)
        #expect(table.kind == kind)
        #expect(table.values.rows == table.rowNames.count)
        #expect(table.values.values.allSatisfy { $0.isFinite })
        if kind == .functionals {
            #expect(table.columns == .statistics(names: Functionals.statisticNames))
            #expect(table.rowNames.contains("f0_hz") && table.rowNames.contains("f1_hz"))
        } else {
            #expect(table.values.columns == 51)
        }
        for format in ExportFormat.allCases {
            #expect(!FeatureExport.render(table, format: format).isEmpty)
        }
    }
}
