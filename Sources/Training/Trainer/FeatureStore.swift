import AudioDecoding
import Features
import Foundation
import LinearAlgebra
import Logging
import Model
import Synchronization

/// The un-augmented, un-normalised network inputs (`InputAssembler.assemble(..., normalize: false)`,
/// `[rows, frames]`) of every utterance, clean and through the `TelephoneChannel`: computed once
/// (decode → resample to the model rate → `RecordingCleanup` → [telephone channel] → assemble), on all cores, and shared by every fold and epoch.
/// Training-time augmentation then works on these matrices (crop, gain, SpecAugment), which keeps the
/// per-batch data work far below the maths.
///
/// Waveform-level augmentations (speed perturbation, pitch shift) cannot be applied to feature
/// matrices, and recomputing features every epoch would cost far more than the maths; instead a
/// fixed set of `AudioCopy` versions of every file is computed here once (Kaldi-style precomputed
/// speed perturbation), clean and through the telephone channel, and the `BatchAssembler` picks the
/// original or one of the copies per example and epoch. Only the originals are ever evaluated or used
/// for normalisation statistics.
public final class FeatureStore: Sendable {
    public let utterances: [Utterance]
    public let clean: [Matrix]
    /// Same order as `clean`; empty when the telephone channel was not requested.
    public let telephone: [Matrix]
    /// The augmented copies that were computed, in the order of `copiesClean` / `copiesTelephone`.
    public let copies: [AudioCopy]
    /// `copiesClean[c][i]`: utterance `i` through `copies[c]`, clean.
    public let copiesClean: [[Matrix]]
    /// `copiesTelephone[c][i]`: the same through the telephone channel; empty when it was not requested.
    public let copiesTelephone: [[Matrix]]

    public init(utterances: [Utterance], clean: [Matrix], telephone: [Matrix],
                copies: [AudioCopy] = [], copiesClean: [[Matrix]] = [], copiesTelephone: [[Matrix]] = []) {
        precondition(copiesClean.count == copies.count, "one clean matrix list per copy")
        precondition(copiesTelephone.isEmpty || copiesTelephone.count == copies.count, "one telephone matrix list per copy")
        self.utterances = utterances
        self.clean = clean
        self.telephone = telephone
        self.copies = copies
        self.copiesClean = copiesClean
        self.copiesTelephone = copiesTelephone
    }

    /// Computes the inputs of `utterances` with `threads` workers, each with its own extractor.
    public static func compute(_ utterances: [Utterance], featureConfig: FeatureConfig, input: ModelInputSpec,
                               cleanup: RecordingCleanup?, telephone: Bool, copies: [AudioCopy] = [], threads: Int,
                               logger: Logger) throws -> FeatureStore {
        let clock = ContinuousClock()
        let start = clock.now
        // Per utterance: the original, then each copy in order; (clean, telephone?) each.
        let results = Mutex<[Int: [(Matrix, Matrix?)]]>([:])
        let failure = Mutex<(any Error)?>(nil)
        let workers = max(1, threads)
        var unnormalized = input
        unnormalized.mean = []
        unnormalized.standardDeviation = []
        let spec = unnormalized
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                let extractor = try FeatureExtractor(config: featureConfig, fftPlanning: .estimate)
                let channel = TelephoneChannel(sampleRate: featureConfig.sampleRate)
                for index in stride(from: worker, to: utterances.count, by: workers) {
                    if failure.withLock({ $0 != nil }) { return }
                    var samples = try loadSamples(utterances[index].path, sampleRate: featureConfig.sampleRate)
                    if let cleanup { samples = cleanup.apply(samples, sampleRate: featureConfig.sampleRate, seed: UInt64(index)) }
                    var versions: [(Matrix, Matrix?)] = []
                    let versionList: [AudioCopy?] = [nil] + copies.map { $0 }
                    for version in versionList {
                        let audio = version.map { $0.apply(samples, sampleRate: featureConfig.sampleRate, seed: UInt64(index)) } ?? samples
                        let cleanInput = InputAssembler.assemble(audio, extractor: extractor, spec: spec, normalize: false)
                        var telephoneInput: Matrix?
                        if telephone {
                            let narrow = channel.apply(audio)
                            telephoneInput = InputAssembler.assemble(narrow, extractor: extractor, spec: spec, normalize: false)
                        }
                        versions.append((cleanInput, telephoneInput))
                    }
                    results.withLock { $0[index] = versions }
                }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let all = results.withLock { $0 }
        let clean = (0..<utterances.count).map { all[$0]![0].0 }
        let narrow = telephone ? (0..<utterances.count).map { all[$0]![0].1! } : []
        let copiesClean = copies.indices.map { c in (0..<utterances.count).map { all[$0]![c + 1].0 } }
        let copiesTelephone = telephone ? copies.indices.map { c in (0..<utterances.count).map { all[$0]![c + 1].1! } } : []
        let copyNote = copies.isEmpty ? "" : ", plus \(copies.count) augmented copies (\(copies.map(\.description).joined(separator: ", ")))"
        logger.info("features of \(utterances.count) files\(telephone ? " (clean + telephone)" : "")\(copyNote) in \(clock.now - start)")
        return FeatureStore(utterances: utterances, clean: clean, telephone: narrow,
                            copies: copies, copiesClean: copiesClean, copiesTelephone: copiesTelephone)
    }

    /// Decodes a file and returns its mono mix at `sampleRate`.
    public static func loadSamples(_ path: String, sampleRate: Int) throws -> [Float] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.unreadable(path)
        }
        return try AudioDecoder().decode([UInt8](data), resamplingTo: sampleRate).mixdown()
    }

    /// Per-row mean and standard deviation over every frame of `indices` (both channels when
    /// `includeTelephone`): the training split's normalisation statistics.
    public func normalization(indices: [Int], includeTelephone: Bool) -> (mean: [Float], standardDeviation: [Float]) {
        let rows = clean.first?.rows ?? 0
        var sum = [Double](repeating: 0, count: rows), squares = [Double](repeating: 0, count: rows)
        var count = 0.0
        for index in indices {
            for matrix in includeTelephone && !telephone.isEmpty ? [clean[index], telephone[index]] : [clean[index]] {
                for r in 0..<rows {
                    var s = 0.0, q = 0.0
                    for c in 0..<matrix.columns { let v = Double(matrix.values[r * matrix.columns + c]); s += v; q += v * v }
                    sum[r] += s
                    squares[r] += q
                }
                count += Double(matrix.columns)
            }
        }
        let mean = sum.map { $0 / max(count, 1) }
        let std = zip(squares, mean).map { (max($0 / max(count, 1) - $1 * $1, 0)).squareRoot() }
        return (mean.map(Float.init), std.map { Float(max($0, 1e-3)) })
    }
}

/// Failures of a training run.
public enum TrainingError: Error, CustomStringConvertible {
    case unreadable(String)
    case invalidConfiguration(String)
    case checkpoint(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        case .invalidConfiguration(let reason): "invalid training configuration: \(reason)"
        case .checkpoint(let reason): "checkpoint: \(reason)"
        }
    }
}
