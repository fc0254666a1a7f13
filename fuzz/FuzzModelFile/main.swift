import Foundation
import FuzzSupport
import Model
import NeuralNet
import TestSupport

// Any bytes as a model file: a (manifest, network) pair or a typed ModelFileError, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    do throws(ModelFileError) {
        let (manifest, network) = try ModelFile.read(bytes: FuzzDriver.bytes(data, size), source: "<fuzz>")
        _ = manifest.labels
        _ = network.spec.inputShape
    } catch {
        _ = error.description
    }
    return 0
}

// `FUZZ_WRITE_SEEDS=DIR FuzzModelFile` writes real model files (TinyModel) as seeds and exits.
if let directory = ProcessInfo.processInfo.environment["FUZZ_WRITE_SEEDS"] {
    let scratch = TinyModel.temporaryDirectory()
    for (name, seed, temperature) in [("tiny", UInt64(1), 1.0), ("calibrated", UInt64(7), 2.5)] {
        let path = try! TinyModel.write(to: scratch, name: name, version: 1, seed: seed, temperature: temperature)
        let target = URL(fileURLWithPath: directory).appendingPathComponent("tinymodel-\(name).safetensors")
        try? FileManager.default.removeItem(at: target)
        try! FileManager.default.copyItem(at: URL(fileURLWithPath: path), to: target)
    }
    try? FileManager.default.removeItem(at: scratch)
    exit(0)
}
FuzzDriver.run { fuzzOne($0, $1) }
