import Features
import LinearAlgebra
import NeuralNet

/// One thread's working state for one model: a feature extractor built from the model's own
/// `FeatureConfig` (filterbanks and FFT plan made once) and the network's workspace. Used by one
/// thread at a time (checked out of `EmotionModel`'s pool), never concurrently.
public final class InferenceSession: @unchecked Sendable {
    public unowned let model: EmotionModel
    public let extractor: FeatureExtractor
    /// The same front-end with a 4× longer hop, for voice activity's voicing seeds: a loud run needs
    /// one voiced frame to count as speech, and vowels last far longer than 4 hops (40 ms), so pitch
    /// tracking at a quarter of the frames finds the same speech for a quarter of the cost.
    let voicingExtractor: FeatureExtractor
    static let voicingStride = 4
    let workspace: Workspace

    /// The model's plan generation when this session was made (see `EmotionModel.refineFFTPlans()`).
    let generation: Int

    init(model: EmotionModel, generation: Int) {
        self.model = model
        self.generation = generation
        // The manifest's feature configuration was validated when the model loaded.
        self.extractor = try! FeatureExtractor(config: model.manifest.featureConfig, fftPlanning: model.fftPlanning)
        var coarse = model.manifest.featureConfig
        coarse.hopLength *= Self.voicingStride
        self.voicingExtractor = try! FeatureExtractor(config: coarse, fftPlanning: model.fftPlanning)
        self.workspace = Workspace()
    }

    /// Per-frame speech seeds (at the model's hop) of `samples`, from pitch tracked every `voicingStride`
    /// frames (see `FeatureExtractor.speechSeeds`).
    package func voicing(_ samples: [Float], frames: Int) -> [Bool] {
        let coarse = voicingExtractor.speechSeeds(voicingExtractor.pitch(samples))
        guard !coarse.isEmpty else { return [Bool](repeating: false, count: frames) }
        let stride = Self.voicingStride
        // Fine frame f is centred on f·hop; the nearest coarse frame is round(f / stride).
        return (0..<frames).map { coarse[min(coarse.count - 1, ($0 + stride / 2) / stride)] }
    }

    /// The network's input for `samples` (mono, model rate), normalised: `[rows, frames]`.
    public func input(for samples: [Float]) -> Matrix {
        InputAssembler.assemble(samples, extractor: extractor, spec: model.manifest.input)
    }

    /// Calibrated class probabilities for one window of audio (at most `windowSeconds` long, at least
    /// the network's minimum), in `model.labels` order.
    public func probabilities(for samples: [Float]) throws(NetworkError) -> [Float] {
        try probabilities(forInput: input(for: samples))
    }

    /// Calibrated probabilities for an already assembled input `[rows, frames]`.
    public func probabilities(forInput input: Matrix) throws(NetworkError) -> [Float] {
        let shape = model.manifest.input.layout == .image ? [1, input.rows, input.columns] : [input.rows, input.columns]
        let output = try input.values.withUnsafeBufferPointer { (buffer) throws(NetworkError) -> Tensor in
            try model.network.forward(buffer, shape: shape, workspace: workspace)
        }
        return model.calibratedProbabilities(output.values)
    }
}
