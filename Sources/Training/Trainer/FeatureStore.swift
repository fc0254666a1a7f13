import AudioDecoding
import Features
import Foundation
import LinearAlgebra
import Logging
import ModelRegistry
import Synchronization

/// The un-augmented, un-normalised network inputs (`InputAssembler.assemble(..., normalize: false)`,
/// `[rows, frames]`) of every utterance, clean and through the `TelephoneChannel`: computed once
/// (decode → resample to the model rate → `RecordingCleanup` → [telephone channel] → assemble), on all cores, and shared by every fold and epoch.
/// Training-time augmentation then works on these matrices (crop, gain, SpecAugment), which keeps the
/// per-batch data work far below the maths.
public final class FeatureStore: Sendable {
    public let utterances: [Utterance]
    public let clean: [Matrix]
    /// Same order as `clean`; empty when the telephone channel was not requested.
    public let telephone: [Matrix]

    public init(utterances: [Utterance], clean: [Matrix], telephone: [Matrix]) {
        self.utterances = utterances
        self.clean = clean
        self.telephone = telephone
    }

    /// Computes the inputs of `utterances` with `threads` workers, each with its own extractor.
    public static func compute(_ utterances: [Utterance], featureConfig: FeatureConfig, input: ModelInputSpec,
                               cleanup: RecordingCleanup?, telephone: Bool, threads: Int, logger: Logger) throws -> FeatureStore {
        let clock = ContinuousClock()
        let start = clock.now
        let results = Mutex<[Int: (Matrix, Matrix?)]>([:])
        let failure = Mutex<(any Error)?>(nil)
        let workers = max(1, threads)
        var unnormalised = input
        unnormalised.mean = []
        unnormalised.standardDeviation = []
        let spec = unnormalised
        // The fastest FFT plans (about 0.3 s once per process), as the server uses once it is ready.
        refineFFTPlans(sizes: FeatureExtractor.fftSizes(config: featureConfig))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                let extractor = try FeatureExtractor(config: featureConfig)
                let channel = TelephoneChannel(sampleRate: featureConfig.sampleRate)
                for index in stride(from: worker, to: utterances.count, by: workers) {
                    if failure.withLock({ $0 != nil }) { return }
                    var samples = try loadSamples(utterances[index].path, sampleRate: featureConfig.sampleRate)
                    if let cleanup { samples = cleanup.apply(samples, sampleRate: featureConfig.sampleRate, seed: UInt64(index)) }
                    let cleanInput = InputAssembler.assemble(samples, extractor: extractor, spec: spec, normalize: false)
                    var telephoneInput: Matrix?
                    if telephone {
                        let narrow = channel.apply(samples)
                        telephoneInput = InputAssembler.assemble(narrow, extractor: extractor, spec: spec, normalize: false)
                    }
                    results.withLock { $0[index] = (cleanInput, telephoneInput) }
                }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let all = results.withLock { $0 }
        let clean = (0..<utterances.count).map { all[$0]!.0 }
        let narrow = telephone ? (0..<utterances.count).map { all[$0]!.1! } : []
        logger.info("features of \(utterances.count) files\(telephone ? " (clean + telephone)" : "") in \(clock.now - start)")
        return FeatureStore(utterances: utterances, clean: clean, telephone: narrow)
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
