import Foundation
import Logging
import ModelRegistry
import Testing
import TestSupport
import Model

@Suite("Model registry: layout, versions, reload")
struct ModelRegistryTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func loadsEveryModelAndVersionAndResolvesLatest() throws {
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TinyModel.write(to: directory, name: "alpha", version: 1, seed: 1)
        try TinyModel.write(to: directory, name: "alpha", version: 3, seed: 2)
        try TinyModel.write(to: directory, name: "beta", version: 1, seed: 3)
        let registry = ModelRegistry(directory: directory.path, logger: logger)
        let report = registry.reload()
        #expect(report.loaded == ["alpha:1", "alpha:3", "beta:1"])
        #expect(report.failed.isEmpty)
        #expect(registry.snapshot.defaultName == "alpha")
        #expect(try registry.model(named: "alpha").version == "3")
        #expect(try registry.model(named: "alpha", version: "latest").version == "3")
        #expect(try registry.model(named: "alpha", version: "1").version == "1")
        #expect(try registry.model(named: nil).name == "alpha")
        #expect(throws: ModelLookupError.unknownModel("gamma", available: ["alpha", "beta"])) { try registry.model(named: "gamma") }
        #expect(throws: ModelLookupError.unknownVersion(name: "alpha", version: "2", available: ["1", "3"])) {
            try registry.model(named: "alpha", version: "2")
        }
    }

    @Test func honoursTheConfiguredDefault() throws {
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TinyModel.write(to: directory, name: "alpha")
        try TinyModel.write(to: directory, name: "beta")
        let registry = ModelRegistry(directory: directory.path, defaultModel: "beta", logger: logger)
        registry.reload()
        #expect(try registry.model(named: nil).name == "beta")
    }

    @Test func reloadLoadsOnlyWhatChangedAndKeepsUnchangedInstances() throws {
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TinyModel.write(to: directory, name: "alpha", version: 1, seed: 1)
        let registry = ModelRegistry(directory: directory.path, logger: logger)
        registry.reload()
        let before = try registry.model(named: "alpha")

        try TinyModel.write(to: directory, name: "alpha", version: 2, seed: 2)
        let report = registry.reload()
        #expect(report.loaded == ["alpha:2"])
        #expect(report.unchanged == ["alpha:1"])
        #expect(try registry.model(named: "alpha", version: "1") === before)
        #expect(try registry.model(named: "alpha").version == "2")

        try FileManager.default.removeItem(at: directory.appendingPathComponent("alpha/2"))
        #expect(registry.reload().removed == ["alpha:2"])
        #expect(try registry.model(named: "alpha").version == "1")
    }

    /// A half-written or corrupt file replacing a good one: the good one keeps serving.
    @Test func aCorruptReplacementLeavesThePreviousVersionServing() throws {
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TinyModel.write(to: directory, name: "alpha", version: 1, seed: 1)
        let registry = ModelRegistry(directory: directory.path, logger: logger)
        registry.reload()
        let good = try registry.model(named: "alpha")

        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let report = registry.reload()
        #expect(report.failed.map(\.model) == ["alpha:1"])
        #expect(report.failed.first?.error.contains(path) == true)
        #expect(try registry.model(named: "alpha") === good)
    }

    @Test func aManifestWhoseNameOrVersionDisagreesWithItsFolderIsRefused() throws {
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try TinyModel.write(to: directory, name: "alpha", version: 1)
        let misplaced = directory.appendingPathComponent("beta/4")
        try FileManager.default.createDirectory(at: misplaced, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: misplaced.appendingPathComponent("model.safetensors").path)
        let registry = ModelRegistry(directory: directory.path, logger: logger)
        let report = registry.reload()
        #expect(report.loaded == ["alpha:1"])
        #expect(report.failed.map(\.model) == ["beta:4"])
    }

    @Test func ignoresFoldersThatAreNotVersions() throws {
        let directory = TinyModel.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TinyModel.write(to: directory, name: "alpha", version: 1)
        for junk in ["alpha/latest", "alpha/01", "alpha/-2", ".hidden/1"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(junk), withIntermediateDirectories: true)
        }
        let report = ModelRegistry(directory: directory.path, logger: logger).reload()
        #expect(report.loaded == ["alpha:1"])
        #expect(report.failed.isEmpty)
    }

    @Test func parsesModelReferences() {
        #expect(ModelRegistry.parseReference("ser-crnn") == ("ser-crnn", nil))
        #expect(ModelRegistry.parseReference("ser-crnn:2") == ("ser-crnn", "2"))
    }
}
