import Foundation
import NeuralNet

/// A resumable training state at an epoch boundary: `checkpoint.safetensors` holds the current
/// parameters (`param/<name>`), the best epoch's parameters (`best/<name>`) and Adam's moments
/// (`adam_m/<name>`, `adam_v/<name>`); `checkpoint.json` the counters and history. Every random
/// choice of an epoch derives from (seed, epoch, position), so no generator state needs saving:
/// resuming after epoch `e` replays epochs `e+1…` exactly as the uninterrupted run.
public struct Checkpoint: Codable, Sendable, Equatable {
    /// Epochs completed.
    public var epoch: Int
    /// Optimiser steps taken.
    public var step: Int
    public var bestValidationUA: Double
    public var bestEpoch: Int
    public var epochsSinceBest: Int
    public var history: [EpochRecord]

    /// Records a finished epoch (its number becomes `epoch`) and updates the early-stopping counters;
    /// true when it is the best so far (higher validation UA).
    mutating func append(_ record: EpochRecord) -> Bool {
        epoch = record.epoch
        history.append(record)
        guard record.validationUA > bestValidationUA else {
            epochsSinceBest += 1
            return false
        }
        bestValidationUA = record.validationUA
        bestEpoch = record.epoch
        epochsSinceBest = 0
        return true
    }

    static let tensorFile = "checkpoint.safetensors"
    static let stateFile = "checkpoint.json"

    /// Writes the checkpoint atomically (tensors first, then the JSON that makes it valid).
    func write(to directory: URL, parameters: [Parameter], best: [String: Tensor], optimizer: AdamOptimizer) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var tensors: [String: Tensor] = [:]
        for p in parameters {
            tensors["param/\(p.name)"] = Tensor(shape: p.shape, values: p.value)
            tensors["best/\(p.name)"] = best[p.name]!
            if let m = optimizer.firstMoment[p.name], let v = optimizer.secondMoment[p.name] {
                tensors["adam_m/\(p.name)"] = Tensor(shape: p.shape, values: m)
                tensors["adam_v/\(p.name)"] = Tensor(shape: p.shape, values: v)
            }
        }
        try SafeTensors(tensors: tensors).write(toFile: directory.appendingPathComponent(Self.tensorFile).path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: directory.appendingPathComponent(Self.stateFile), options: .atomic)
    }

    /// Reads a checkpoint: the state, the current and best parameters and the optimiser moments.
    static func read(from directory: URL) throws -> (state: Checkpoint, current: [String: Tensor], best: [String: Tensor],
                                                      firstMoment: [String: [Float]], secondMoment: [String: [Float]]) {
        let state = try JSONDecoder().decode(Checkpoint.self, from: Data(contentsOf: directory.appendingPathComponent(stateFile)))
        let tensors = try SafeTensors(contentsOfFile: directory.appendingPathComponent(tensorFile).path).tensors
        func group(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.compactMap { key, value in
                key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), value) : nil
            })
        }
        return (state, group("param/"), group("best/"), group("adam_m/").mapValues(\.values), group("adam_v/").mapValues(\.values))
    }

    /// Whether `directory` holds a checkpoint.
    public static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(stateFile).path)
    }

    /// The best epoch's parameters of the checkpoint in `directory`.
    public static func bestParameters(in directory: URL) throws -> [String: Tensor] {
        try read(from: directory).best
    }
}
