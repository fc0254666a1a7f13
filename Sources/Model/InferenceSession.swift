import Features
import LinearAlgebra
import NeuralNet

/// One thread's working state for one model: a feature extractor built from the model's own
/// `FeatureConfig` (filterbanks and FFT plan made once) and the network's workspace. Used by one
/// thread at a time (checked out of `EmotionModel`'s pool), never concurrently.
public final class InferenceSession: @unchecked Sendable {
    public unowned let model: EmotionModel
    public let extractor: FeatureExtractor
    /// The same front-end with a 4× longer hop, for the pitch statistics of a model whose input has no
    /// pitch rows: a quarter of the frames for a quarter of the cost.
    let coarseExtractor: FeatureExtractor
    static let coarseStride = 4
    let workspace: Workspace

    /// The model's plan generation when this session was made (see `EmotionModel.refineFFTPlans()`).
    let generation: Int

    init(model: EmotionModel, generation: Int) {
        self.model = model
        self.generation = generation
        // The manifest's feature configuration was validated when the model loaded.
        self.extractor = try! FeatureExtractor(config: model.manifest.featureConfig, fftPlanning: model.fftPlanning)
        var coarse = model.manifest.featureConfig
        coarse.hopLength *= Self.coarseStride
        self.coarseExtractor = try! FeatureExtractor(config: coarse, fftPlanning: model.fftPlanning)
        self.workspace = Workspace()
    }

    /// The pitch track of `samples` at the model's hop, tracked every `coarseStride` frames (each fine
    /// frame takes its nearest coarse frame's F0 and voicing).
    package func coarsePitch(_ samples: [Float]) -> PitchTrack {
        let coarse = coarseExtractor.pitch(samples)
        let frames = extractor.frameCount(sampleCount: samples.count), stride = Self.coarseStride
        guard !coarse.frequencies.isEmpty else {
            return PitchTrack(frequencies: [Float](repeating: 0, count: frames), aperiodicity: [Float](repeating: 1, count: frames),
                              voiced: [Bool](repeating: false, count: frames))
        }
        // Fine frame f is centred on f·hop; the nearest coarse frame is round(f / stride).
        let nearest = (0..<frames).map { min(coarse.frequencies.count - 1, ($0 + stride / 2) / stride) }
        return PitchTrack(frequencies: nearest.map { coarse.frequencies[$0] }, aperiodicity: nearest.map { coarse.aperiodicity[$0] },
                          voiced: nearest.map { coarse.voiced[$0] })
    }

    /// The network's input for `samples` (mono, model rate), normalised: `[rows, frames]`.
    public func input(for samples: [Float]) -> Matrix {
        InputAssembler.assemble(samples, extractor: extractor, spec: model.manifest.input)
    }

    /// The network's input, and the pitch track it was built from when its rows include pitch or voicing.
    package func inputAndPitch(for samples: [Float]) -> (Matrix, PitchTrack?) {
        InputAssembler.assembleWithPitch(samples, extractor: extractor, spec: model.manifest.input)
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
