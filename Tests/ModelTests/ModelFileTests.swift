import Foundation
import Model
import NeuralNet
import Testing
import TestSupport

@Suite("Model files: manifest + weights, strict loading")
struct ModelFileTests {
    @Test func roundTripsManifestAndWeights() throws {
        let network = try TinyModel.network(seed: 3)
        let manifest = TinyModel.manifest(temperature: 1.7)
        let bytes = try ModelFile.serialized(manifest: manifest, network: network)
        let (readManifest, readNetwork) = try ModelFile.read(bytes: bytes)
        #expect(readManifest == manifest)
        #expect(readNetwork.parameters == network.parameters)
        #expect(readNetwork.spec == network.spec)
    }

    @Test func rejectsTruncationAtEveryRegionWithoutCrashing() throws {
        let bytes = try ModelFile.serialized(manifest: TinyModel.manifest(), network: TinyModel.network(seed: 1))
        for length in [0, 4, 8, 9, 100, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ModelFileError.self) { try ModelFile.read(bytes: Array(bytes.prefix(length)), source: "cut-\(length)") }
        }
    }

    @Test func rejectsAManifestThatDoesNotFitTheNetwork() throws {
        let network = try TinyModel.network(seed: 1)
        var wrongLabels = TinyModel.manifest()
        wrongLabels.labels = ["a", "b"]
        var wrongRows = TinyModel.manifest()
        wrongRows.input.features = [.logMel]  // 40 rows, network wants 41
        var badTemperature = TinyModel.manifest()
        badTemperature.temperature = 0
        var duplicateLabels = TinyModel.manifest()
        duplicateLabels.labels[1] = duplicateLabels.labels[0]
        for manifest in [wrongLabels, wrongRows, badTemperature, duplicateLabels] {
            do {
                _ = try ModelFile.serialized(manifest: manifest, network: network)
                Issue.record("accepted an inconsistent manifest")
            } catch {
                guard case .inconsistent = error else { Issue.record("unexpected \(error)"); continue }
            }
        }
    }

    @Test func aMissingManifestIsNamed() throws {
        let network = try TinyModel.network(seed: 1)
        let bytes = network.safeTensors().serialized()
        do {
            _ = try ModelFile.read(bytes: bytes, source: "bare.safetensors")
            Issue.record("accepted a file without a manifest")
        } catch {
            #expect(error.description.contains("bare.safetensors"))
            #expect(error.description.contains("ser_manifest"))
        }
    }

    @Test func calibratedProbabilitiesSumToOneAndSharpenOrSoften() throws {
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try EmotionModel(contentsOfFile: TinyModel.write(to: directory, name: "a", seed: 5, temperature: 1))
        let soft = try EmotionModel(contentsOfFile: TinyModel.write(to: directory, name: "b", seed: 5, temperature: 3))
        let speech = Signals.sine(frequency: 180, sampleRate: 16000, seconds: 1.5)
        let p = try plain.withSession { try $0.probabilities(for: speech) }
        let q = try soft.withSession { try $0.probabilities(for: speech) }
        #expect(abs(p.reduce(0, +) - 1) < 1e-5 && abs(q.reduce(0, +) - 1) < 1e-5)
        // A higher temperature flattens the distribution (entropy rises) but keeps the ranking.
        func entropy(_ x: [Float]) -> Float { -x.reduce(0) { $0 + $1 * log($1) } }
        #expect(entropy(q) > entropy(p))
        #expect(p.firstIndex(of: p.max()!) == q.firstIndex(of: q.max()!))
    }
}
