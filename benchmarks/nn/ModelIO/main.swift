// ModelIO: network inputs and outputs of a model file on real audio, for the onnxruntime parity
// check (`export_onnx.py check MODEL IO`).
//
//   ModelIO MODEL.safetensors OUT.safetensors AUDIO...
//
// Each audio file is decoded and resampled exactly as the service does (mono mix at the model's
// rate), its first window (the model's `window_seconds`) is assembled by the shared InputAssembler
// (the service's front-end, normalisation included), and the network runs on it. OUT holds
// `input_<i>` (without batch dimension) and `output_<i>` (the network's outputs, before the
// temperature step, which is the same deterministic function on both sides).
import AudioDecoding
import Foundation
import LinearAlgebra
import Model
import NeuralNet

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: ModelIO MODEL.safetensors OUT.safetensors AUDIO...\n".utf8))
    exit(2)
}
do {
    let model = try EmotionModel(contentsOfFile: arguments[1])
    var tensors: [String: Tensor] = [:]
    try model.withSession { session in
        for (index, path) in arguments[3...].enumerated() {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let audio = try AudioDecoder().decode(bytes, resamplingTo: model.sampleRate)
            let window = Int(model.manifest.input.windowSeconds * Double(model.sampleRate))
            let samples = Array(audio.mixdown().prefix(window))
            let input = session.input(for: samples)
            let shape = model.manifest.input.layout == .image ? [1, input.rows, input.columns] : [input.rows, input.columns]
            let output = try model.network.forward(Tensor(shape: shape, values: input.values), workspace: Workspace())
            tensors["input_\(index)"] = Tensor(shape: shape, values: input.values)
            tensors["output_\(index)"] = output
        }
    }
    try SafeTensors(tensors: tensors, metadata: ["source": "ModelIO"]).write(toFile: arguments[2])
    print("\(arguments.count - 3) clips -> \(arguments[2])")
} catch {
    FileHandle.standardError.write(Data("ModelIO: \(error)\n".utf8))
    exit(1)
}
