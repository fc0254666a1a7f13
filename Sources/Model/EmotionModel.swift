import Features
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra
import NeuralNet
import Synchronization

/// A loaded model: immutable and shared by every request thread. Per-call state (feature buffers,
/// the network's workspace) lives in `InferenceSession`s kept in a pool, one per concurrently
/// running request, created on first need and reused afterwards, so steady-state requests allocate
/// no new scratch memory.
public final class EmotionModel: Sendable {
    public let manifest: ModelManifest
    public let network: Network
    /// Where the model was loaded from (for logs and `/v1/models`).
    public let source: String
    /// Whether the network ends in softmax (so its outputs are probabilities, not logits).
    let outputsProbabilities: Bool
    /// How the sessions' feature extractors plan their FFTs: `.measure` for a server, `.estimate` where
    /// runs must be bit-identical (the trainer); `refineFFTPlans()` does nothing for `.estimate`.
    public let fftPlanning: FFTPlanning
    /// Idle sessions, and the plan generation new ones belong to: `refineFFTPlans()` bumps it so
    /// sessions made with the quicker time-bounded FFT plans are dropped instead of returning to the pool.
    private let sessions = Mutex<(idle: [InferenceSession], generation: Int)>(([], 0))

    public init(manifest: ModelManifest, network: Network, source: String, fftPlanning: FFTPlanning = .measure) {
        self.manifest = manifest
        self.network = network
        self.source = source
        self.fftPlanning = fftPlanning
        outputsProbabilities = network.spec.layers.last == .softmax
    }

    /// Loads and validates a model file.
    public convenience init(contentsOfFile path: String, fftPlanning: FFTPlanning = .measure) throws(ModelFileError) {
        let (manifest, network) = try ModelFile.read(contentsOfFile: path)
        self.init(manifest: manifest, network: network, source: path, fftPlanning: fftPlanning)
    }

    public var name: String { manifest.name }
    public var version: String { manifest.version }
    public var labels: [String] { manifest.labels }
    public var sampleRate: Int { manifest.featureConfig.sampleRate }

    /// Runs `body` with a session no other thread is using, then returns it to the pool.
    public func withSession<T, E: Error>(_ body: (InferenceSession) throws(E) -> T) throws(E) -> T {
        let (pooled, generation) = sessions.withLock { ($0.idle.popLast(), $0.generation) }
        let session = pooled ?? InferenceSession(model: self, generation: generation)
        defer {
            sessions.withLock { if session.generation == $0.generation { $0.idle.append(session) } }
        }
        return try body(session)
    }

    /// Plans the model's FFTs without FFTW's time limit (`refineFFTPlans(sizes:)`, ~100 ms per size,
    /// on the calling thread), then retires the sessions made before, so every session from now on
    /// runs the fastest plans. Call off the request path once the model serves; returns the time taken.
    @discardableResult
    public func refineFFTPlans() -> Duration {
        guard fftPlanning != .estimate else { return .zero }
        let elapsed = LinearAlgebra.refineFFTPlans(sizes: FeatureExtractor.fftSizes(config: manifest.featureConfig))
        sessions.withLock { $0 = ([], $0.generation + 1) }
        // One session with the refined plans, so the next request does not plan anything.
        withSession { _ in }
        return elapsed
    }

    /// Turns network outputs into calibrated probabilities: `softmax(logits / temperature)`, where the
    /// logits are the log-probabilities when the network already ends in softmax.
    func calibratedProbabilities(_ output: [Float]) -> [Float] {
        softmax(outputsProbabilities ? output.map { Float.log(max($0, 1e-30)) } : output, temperature: Float(manifest.temperature))
    }
}

extension Float {
    fileprivate static func log(_ x: Float) -> Float { logf(x) }
}
