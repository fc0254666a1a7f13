import Foundation
import Testing
@testable import NeuralNet
import TestSupport

@Suite struct SafeTensorsTests {
    static let sample = SafeTensors(
        tensors: [
            "layers.0.weight": Tensor(shape: [2, 3], values: [1, -2, 3.5, 0, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]),
            "layers.0.bias": Tensor(shape: [2], values: [0.25, -0.75]),
            "scalar": Tensor(shape: [], values: [42]),
            "empty": Tensor(shape: [0, 4], values: []),
        ],
        metadata: ["network_spec": "{\"a\": \"b\\n\"}", "note": "ünïcode \"quoted\" \t tab"])

    /// Builds a file image from a raw header string and data bytes.
    static func image(header: String, data: [UInt8] = [], lengthField: UInt64? = nil) -> [UInt8] {
        let json = Array(header.utf8)
        let length = lengthField ?? UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + json + data
    }

    static func expectError(_ bytes: [UInt8], _ matches: (SafeTensorsError) -> Bool,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SafeTensors(bytes: bytes, source: "test.safetensors")
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch {
            #expect(matches(error), "unexpected error \(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("test.safetensors"), sourceLocation: sourceLocation)
        }
    }

    @Test func roundTripsInMemory() throws {
        let bytes = Self.sample.serialized()
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        #expect(headerLength % 8 == 0)  // padded with spaces so the data region starts 8-byte aligned
        #expect(bytes[8 + headerLength - 1] == UInt8(ascii: " ") || bytes[8 + headerLength - 1] == UInt8(ascii: "}"))
        let read = try SafeTensors(bytes: bytes)
        #expect(read == Self.sample)
        #expect(read.serialized() == bytes)  // deterministic
    }

    @Test func roundTripsThroughAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nn-roundtrip-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.sample.write(toFile: path)
        #expect(try SafeTensors(contentsOfFile: path) == Self.sample)
    }

    @Test func readsTheFixtureWriterFormat() throws {
        // Written by the Python writer in scripts/fixtures/make-layer-fixtures.py.
        let file = try SafeTensors(contentsOfFile: Fixtures.path("conv2d.safetensors"))
        #expect(file.tensors["layers.0.weight"]?.shape == [3, 2, 3, 2])
        #expect(file.metadata["fixture"] == "conv2d")
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: SafeTensorsError.self) { try SafeTensors(contentsOfFile: "/nonexistent/x.safetensors") }
    }

    @Test func writingToAMissingDirectoryFails() {
        #expect(throws: SafeTensorsError.self) { try Self.sample.write(toFile: "/nonexistent/dir/x.safetensors") }
    }

    @Test func everyTruncationThrows() {
        let bytes = Self.sample.serialized()
        for length in 0..<bytes.count {
            #expect(throws: SafeTensorsError.self, "truncated to \(length)") {
                try SafeTensors(bytes: Array(bytes[..<length]))
            }
        }
    }

    @Test func trailingBytesThrow() {
        Self.expectError(Self.sample.serialized() + [0, 0, 0, 0]) {
            if case .uncoveredData = $0 { true } else { false }
        }
    }

    @Test func lyingHeaderLengthsThrow() {
        let bytes = Self.sample.serialized()
        for lie: UInt64 in [0, 1, 7, 200, UInt64(bytes.count), 100_000_001, UInt64.max, 1 << 63] {
            var corrupt = bytes
            for i in 0..<8 { corrupt[i] = UInt8(truncatingIfNeeded: lie >> (8 * UInt64(i))) }
            #expect(throws: SafeTensorsError.self, "header length \(lie)") { try SafeTensors(bytes: corrupt) }
        }
        Self.expectError(Self.image(header: "{}", lengthField: 200_000_000)) {
            if case .headerTooLarge = $0 { true } else { false }
        }
        Self.expectError(Self.image(header: "{}", lengthField: 3)) {
            if case .headerExceedsFile = $0 { true } else { false }
        }
    }

    @Test func garbageJSONThrows() {
        for header in ["", "   ", "not json", "{", "{\"a\": }", "[1, 2]", "\"string\"", "{\"t\": 5}",
                       "{\"t\": {\"dtype\": \"F32\"}}", "{\"__metadata__\": {\"k\": 5}}",
                       "{\"t\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}",
                       "{\"t\": {\"dtype\": \"F32\", \"shape\": [99999999999999999999999], \"data_offsets\": [0, 4]}}"] {
            #expect(throws: SafeTensorsError.self, "header \(header)") {
                try SafeTensors(bytes: Self.image(header: header, data: [0, 0, 0, 0]))
            }
        }
    }

    @Test func wrongDTypeNamesTheTensor() {
        Self.expectError(Self.image(header: "{\"w\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}}",
                                    data: [0, 0, 0, 0])) {
            $0 == .unsupportedDType(file: "test.safetensors", tensor: "w", dtype: "F16")
        }
    }

    @Test func offsetsOutOfRangeThrow() {
        for offsets in ["[0, 8]", "[-4, 0]", "[4, 0]", "[0, 9223372036854775807]", "[0]", "[0, 4, 8]"] {
            #expect(throws: SafeTensorsError.self, "offsets \(offsets)") {
                try SafeTensors(bytes: Self.image(
                    header: "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": \(offsets)}}", data: [0, 0, 0, 0]))
            }
        }
        Self.expectError(Self.image(header: "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}",
                                    data: [0, 0, 0, 0])) {
            $0 == .offsetsOutOfRange(file: "test.safetensors", tensor: "w", begin: 0, end: 8, dataSize: 4)
        }
    }

    @Test func overlappingTensorsThrow() {
        let header = "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
            + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}"
        Self.expectError(Self.image(header: header, data: Array(repeating: 0, count: 12))) {
            $0 == .overlappingTensors(file: "test.safetensors", first: "a", second: "b")
        }
    }

    @Test func gapsThrow() {
        let header = "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}"
        Self.expectError(Self.image(header: header, data: Array(repeating: 0, count: 8))) {
            if case .uncoveredData(_, nil, 0, 4) = $0 { true } else { false }
        }
    }

    @Test func shapeAndByteLengthMismatchThrow() {
        Self.expectError(Self.image(header: "{\"w\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}",
                                    data: Array(repeating: 0, count: 8))) {
            $0 == .byteLengthMismatch(file: "test.safetensors", tensor: "w", shape: [3], expectedBytes: 12, actualBytes: 8)
        }
        Self.expectError(Self.image(header: "{\"w\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}",
                                    data: Array(repeating: 0, count: 8))) {
            if case .invalidTensorEntry(_, "w", _) = $0 { true } else { false }
        }
    }

    /// Claims that would need terabytes, or overflow `Int`, are rejected from the header alone.
    @Test func hugeShapesAreRejectedWithoutAllocating() {
        for shape in ["[1000000, 1000000]", "[4611686018427387904, 4]", "[9223372036854775807, 9223372036854775807]",
                      "[65536, 65536, 65536, 65536]"] {
            #expect(throws: SafeTensorsError.self, "shape \(shape)") {
                try SafeTensors(bytes: Self.image(
                    header: "{\"w\": {\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [0, 4]}}", data: [0, 0, 0, 0]))
            }
        }
    }

    /// Random bytes and random single-byte corruptions of a valid file either parse or throw; never crash.
    @Test func randomCorruptionNeverCrashes() {
        var generator = SeededRandom(seed: 7)
        let valid = Self.sample.serialized()
        var parsed = 0
        for round in 0..<2000 {
            var bytes: [UInt8]
            if round % 4 == 0 {
                bytes = (0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if round % 8 == 0, bytes.count >= 8 {  // plausible length field
                    let length = UInt64(bytes.count - 8 - Int.random(in: 0...min(20, bytes.count - 8), using: &generator))
                    for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
                }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            if (try? SafeTensors(bytes: bytes)) != nil { parsed += 1 }
        }
        // Corrupting a float's bytes keeps the file valid, so some parse; corrupt headers must not.
        #expect(parsed < 2000)
    }
}
