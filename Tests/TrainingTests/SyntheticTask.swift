import Features
import Foundation
import LinearAlgebra

import NeuralNet
@testable import Training
import Model

/// A tiny two-class problem the trainer must learn in seconds: 8 "mel" rows × 40 frames of noise,
/// class `low` with a raised band in rows 1–2, class `high` in rows 5–6, 4 speakers.
enum SyntheticTask {
    static func config(epochs: Int = 8) -> TrainingConfig {
        var config = TrainingConfig()
        config.name = "synthetic"
        config.labelMap = LabelMap(labels: ["low", "high"])
        config.featureConfig.melBandCount = 8
        config.featureConfig.mfccCount = 8
        config.features = [.logMel]
        config.windowSeconds = 0.3  // 31 frames
        config.cropSeconds = 0.3
        config.layers = [
            .conv1d(ConvolutionSpec(outChannels: 8, kernelSize: [3], padding: [1], bias: false)),
            .batchNorm(BatchNormSpec()), .activation(.relu),
            .attentiveStatisticsPooling(AttentiveStatisticsPoolingSpec(attentionChannels: 4)),
            .dropout(probability: 0.1),
            .dense(DenseSpec(outFeatures: 2)),
        ]
        config.epochs = epochs
        config.batchSize = 8
        config.learningRate = 1e-2
        config.warmupEpochs = 0.5
        config.earlyStoppingPatience = 0
        config.telephoneProbability = 0.5
        // Masks as wide as the default ones would hide the whole 8-row, 31-frame signal.
        config.timeMasks = 1
        config.maximumTimeMaskFrames = 4
        config.frequencyMasks = 0
        config.labelSmoothing = 0
        config.seed = 7
        return config
    }

    /// 64 examples (clean and a "telephone" copy with extra noise), alternating classes.
    static func store() -> FeatureStore {
        var random = SeededGenerator(seed: 11)
        var utterances: [Utterance] = []
        var clean: [Matrix] = [], telephone: [Matrix] = []
        for i in 0..<64 {
            let label = i % 2 == 0 ? "low" : "high"
            utterances.append(Utterance(path: "synthetic/\(i).wav", corpus: "synthetic", originalLabel: label, mappedLabel: label,
                                        speaker: "synthetic_\(i % 4)", gender: nil, durationSeconds: nil))
            let frames = 20 + random.uniform(below: 30)  // some shorter than the window: tiled
            func make(noise: Float) -> Matrix {
                var m = Matrix(rows: 8, columns: frames)
                for r in 0..<8 {
                    for t in 0..<frames {
                        let band = label == "low" ? (r == 1 || r == 2) : (r == 5 || r == 6)
                        m[r, t] = -40 + (band ? 12 : 0) + noise * Float(random.gaussian())
                    }
                }
                return m
            }
            clean.append(make(noise: 4))
            telephone.append(make(noise: 6))
        }
        return FeatureStore(utterances: utterances, clean: clean, telephone: telephone)
    }
}
