import Features
import Foundation
import Model
import NeuralNet

/// Everything a training run needs, as one Codable value (JSON or YAML). Every field has a default, so
/// a config file lists only what it changes; `ser-train train --print-default-config` prints them all.
public struct TrainingConfig: Codable, Sendable, Equatable {
    // MARK: Model identity and data

    /// Model name: the registry directory `Models/<name>/<version>/`.
    public var name = "ser-cnn"
    /// Model version (a positive integer string).
    public var version = "1"
    /// `manifest.csv` of the training corpora (`path,corpus,label,speaker,...`), relative paths resolved
    /// against the manifest's directory; relative to the working directory.
    public var manifest = "../shared/data/manifest.csv"
    /// How corpus labels become model labels (and which are dropped); default: the call-centre set
    /// `angry, disgust, fear, happy, neutral, sad, surprise`.
    public var labelMap = LabelMap.callCentre

    // MARK: Input

    /// Feature front end (16 kHz, 25 ms / 10 ms frames, 64 mel bands by default).
    public var featureConfig = FeatureConfig()
    /// Feature rows of the network input, in order.
    public var features: [ModelInputSpec.Feature] = [.logMel, .pitch, .voicing, .energy]
    /// `channels_by_time` (`[rows, T]`, conv1d) or `image` (`[1, rows, T]`, conv2d).
    public var layout = ModelInputSpec.Layout.channelsByTime
    /// The service's scoring window, seconds (`ModelInputSpec.windowSeconds`): audio longer than this is
    /// scored in equal windows of at most this length. Long enough that an utterance of the training
    /// corpora is one window (splitting a 3.6 s clip into two 1.8 s halves, one mostly silence, costs
    /// accuracy); the network pools over any length.
    public var windowSeconds = 6.0
    /// Training crop length, seconds: all examples of a batch have this length. Longer clips are cropped
    /// at a random offset; shorter ones are tiled (repeated) to it, so pooling sees the clip's own
    /// statistics rather than padding.
    public var cropSeconds = 3.0

    /// Trim leading/trailing frames more than this many dB below a file's loudest frame before
    /// computing features (0 = keep everything): see `RecordingCleanup`.
    public var trimSilenceDecibels: Float = 50
    /// White dither added to every training/evaluation recording, dBFS (null = none).
    public var ditherDecibels: Float? = -75
    /// Level-dependent input rows relative to the clip itself (`LevelNormalization`, stored in the
    /// model's input spec so the server does the same per window); null = dB re full scale, as before.
    /// With it, `gainDecibels` has nothing to shift (a gain leaves the input unchanged).
    public var levelNormalization: LevelNormalization?

    // MARK: Architecture

    /// The layers after the input (input shape follows from `features` and `layout`). The last layer
    /// outputs one logit per label. Default: a compact 1-D CNN (4 conv + BN + ReLU blocks, two max
    /// pools), attentive statistics pooling and a 2-layer classifier head.
    public var layers: [LayerSpec] = TrainingConfig.defaultLayers(labels: 7)

    // MARK: Optimisation

    /// Full passes over the training speakers' files (upper bound when early stopping is on).
    public var epochs = 30
    /// Examples per optimisation step.
    public var batchSize = 32
    /// `adam` (L2 weight decay in the gradient) or `adamw` (decoupled weight decay).
    public var optimizer = AdamOptimizer.Variant.adamw
    /// Peak learning rate.
    public var learningRate: Float = 1e-3
    /// Final learning rate of the cosine schedule.
    public var minimumLearningRate: Float = 2e-5
    /// `cosine` (linear warm-up, then half cosine to `minimumLearningRate`) or `step`.
    public var schedule = ScheduleKind.cosine
    /// Linear warm-up length, epochs (may be fractional).
    public var warmupEpochs = 1.0
    /// Step schedule: multiply the rate by `stepGamma` every `stepEpochs` epochs.
    public var stepEpochs = 10
    public var stepGamma: Float = 0.3
    /// Weight decay λ (applied to conv/dense/recurrent/attention weights only).
    public var weightDecay: Float = 0.05
    /// Cross-entropy label smoothing ε.
    public var labelSmoothing: Float = 0.1
    /// `balanced` weights classes by inverse frequency in the training split (optimises UA); `none`.
    public var classWeighting = ClassWeighting.balanced
    /// A class a corpus does not have (nEMO: disgust; EMO-DB: surprise) is not a negative example:
    /// the loss of an utterance is a softmax over its corpus's classes only (`CorpusClasses`).
    public var maskMissingClasses = true
    /// Corpus balance β of the epoch order (`CorpusSampler`): a corpus fills a share ∝ size^(1 − β)
    /// of an epoch; 0 = every file once per epoch (a plain shuffle), 1 = every corpus equally often.
    public var corpusBalance = 0.0
    /// The validation UA that early stopping follows: `pooled` over every validation file, or
    /// `corpus_mean`, the mean over corpora of each corpus's UA over its own classes (so a corpus with
    /// many files per validation speaker, like TESS, does not decide the epoch alone).
    public var validationUA = ValidationUA.pooled
    /// Clip the global gradient norm to this (0 = off).
    public var gradientClipNorm: Float = 5
    /// Stop when validation UA has not improved for this many epochs (0 = never); the best epoch's
    /// weights are kept.
    public var earlyStoppingPatience = 12
    /// Seed of every random choice: splits, initialisation, shuffling, augmentation, dropout.
    public var seed: UInt64 = 20_260_101
    /// Seed of the speaker splits only (k-fold and the final model's validation group); null = `seed`.
    /// Setting it keeps the folds fixed while `seed` varies initialisation, shuffling, augmentation
    /// and dropout (to measure training noise on identical splits).
    public var splitSeed: UInt64?
    /// The seed the speaker splits use.
    public var effectiveSplitSeed: UInt64 { splitSeed ?? seed }

    // MARK: Augmentation (on cached features, per example and epoch)

    /// Speed-perturbation copies: one extra version of every file per factor (e.g. `[0.9, 1.1]`,
    /// Kaldi's), computed once with the feature cache (`FeatureStore`, `AudioCopy`).
    public var speedCopies: [Double] = []
    /// Pitch-shift copies: one extra version of every file per shift, semitones (duration kept).
    public var pitchCopies: [Double] = []
    /// Noise copies: one extra version of every file per range, white or pink noise at an SNR drawn
    /// per file from `[low, high]` dB (e.g. `[[5, 20]]`).
    public var noiseCopies: [[Double]] = []
    /// Reverberation copies: one extra version of every file per range, a synthetic room with an RT60
    /// drawn per file from `[low, high]` s (e.g. `[[0.2, 0.9]]`).
    public var reverbCopies: [[Double]] = []
    /// Probability that an example uses one of the copies (chosen uniformly) instead of the original
    /// recording; with `n` copies, `n / (n + 1)` makes original and copies equally likely.
    public var copyProbability = 0.0

    /// Probability of training on the telephone-channel version of a file instead of the clean one.
    public var telephoneProbability = 0.5
    /// Random gain, ±dB (shifts the log-mel and energy rows, which is exactly what a gain does to them;
    /// nothing under `levelNormalization`, whose rows a gain does not change).
    public var gainDecibels: Float = 6
    /// SpecAugment: number of time masks and their maximum width, frames.
    public var timeMasks = 2
    public var maximumTimeMaskFrames = 20
    /// SpecAugment: number of frequency masks on the log-mel rows and their maximum width, bands.
    public var frequencyMasks = 2
    public var maximumFrequencyMaskBands = 8

    // MARK: Evaluation and machinery

    /// Speaker folds of the cross-validation (every speaker is tested exactly once); 0 skips it and
    /// only trains the final model.
    public var folds = 4
    /// Degradations each fold's model is also scored under on its test speakers' files (the
    /// robustness table; `RobustnessCondition` strings such as `gain:-30`, `noise:babble:10`,
    /// `reverb:0.3`, `opus:16000`, `gsm`); empty = none. Needs `folds`.
    public var robustnessConditions: [String] = []
    /// Share of each fold's test files scored under the robustness conditions (every k-th file,
    /// k = round(1 / fraction)): features are computed again per condition, so 1 costs about one
    /// clean feature pass per condition.
    public var robustnessFraction = 0.25
    /// Fraction of the training speakers (per corpus and gender) held out for early stopping and
    /// temperature fitting.
    public var validationFraction = 0.15
    /// Leave one corpus out: this corpus (a manifest `corpus` value, e.g. `tess`) is never trained,
    /// validated or calibrated on; folds, early stopping and temperature use the other corpora, and
    /// the final model is then evaluated on the whole held-out corpus (`LeaveOneCorpusOut`). Null =
    /// train on every corpus.
    public var heldOutCorpus: String?
    /// Batches the producer thread prepares ahead of the maths.
    public var prefetchBatches = 4
    /// OpenBLAS threads for the maths (the producer thread and the feature workers use the others).
    public var blasThreads = 1
    /// Threads computing the feature cache up front.
    public var featureThreads = 2

    public enum ScheduleKind: String, Codable, Sendable { case cosine, step }
    public enum ClassWeighting: String, Codable, Sendable { case balanced, none }
    public enum ValidationUA: String, Codable, Sendable { case pooled, corpusMean = "corpus_mean" }

    public init() {}

    /// The default architecture for `labels` outputs.
    public static func defaultLayers(labels: Int) -> [LayerSpec] {
        func conv(_ out: Int, _ k: Int, dilation: Int = 1) -> LayerSpec {
            .conv1d(ConvolutionSpec(outChannels: out, kernelSize: [k], padding: [dilation * (k - 1) / 2], dilation: [dilation], bias: false))
        }
        return [
            conv(96, 5), .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool1d(PoolingSpec(kernelSize: [2])),
            conv(128, 5), .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool1d(PoolingSpec(kernelSize: [2])),
            conv(128, 3, dilation: 2), .batchNorm(BatchNormSpec()), .activation(.relu),
            conv(128, 3), .batchNorm(BatchNormSpec()), .activation(.relu),
            .attentiveStatisticsPooling(AttentiveStatisticsPoolingSpec(attentionChannels: 64)),
            .dense(DenseSpec(outFeatures: 128, bias: false)), .batchNorm(BatchNormSpec()), .activation(.relu),
            .dropout(probability: 0.3),
            .dense(DenseSpec(outFeatures: labels)),
        ]
    }

    /// The waveform copies the feature cache computes (speed, pitch, noise, then reverberation copies;
    /// ranges as validated by `validate()`).
    public var audioCopies: [AudioCopy] {
        speedCopies.map { AudioCopy.speed($0) } + pitchCopies.map { AudioCopy.pitch(semitones: $0) }
            + noiseCopies.filter { $0.count == 2 && $0[0] <= $0[1] }.map { AudioCopy.noise($0[0]...$0[1]) }
            + reverbCopies.filter { $0.count == 2 && $0[0] <= $0[1] }.map { AudioCopy.reverb($0[0]...$0[1]) }
    }

    /// The model's input description without normalisation statistics.
    public var inputSpec: ModelInputSpec {
        ModelInputSpec(features: features, layout: layout, windowSeconds: windowSeconds, levelNormalization: levelNormalization)
    }

    /// The network architecture for this input.
    public var networkSpec: NetworkSpec {
        let rows = inputSpec.rowCount(config: featureConfig)
        return NetworkSpec(inputShape: layout == .image ? [1, rows, nil] : [rows, nil], layers: layers)
    }

    /// Frames of one scoring window.
    public var windowFrames: Int {
        featureConfig.frameCount(sampleCount: Int(windowSeconds * Double(featureConfig.sampleRate)))
    }

    /// Frames of one training crop.
    public var cropFrames: Int {
        featureConfig.frameCount(sampleCount: Int(cropSeconds * Double(featureConfig.sampleRate)))
    }

    // MARK: Codable with defaults

    enum CodingKeys: String, CodingKey {
        case name, version, manifest, labelMap = "label_map", featureConfig = "feature_config", features, layout
        case windowSeconds = "window_seconds", cropSeconds = "crop_seconds", trimSilenceDecibels = "trim_silence_db", ditherDecibels = "dither_db"
        case levelNormalization = "level_normalization", layers, epochs, batchSize = "batch_size", optimizer
        case learningRate = "learning_rate", minimumLearningRate = "minimum_learning_rate", schedule
        case warmupEpochs = "warmup_epochs", stepEpochs = "step_epochs", stepGamma = "step_gamma"
        case weightDecay = "weight_decay", labelSmoothing = "label_smoothing", classWeighting = "class_weighting"
        case maskMissingClasses = "mask_missing_classes", heldOutCorpus = "held_out_corpus", corpusBalance = "corpus_balance"
        case validationUA = "validation_ua"
        case gradientClipNorm = "gradient_clip_norm", earlyStoppingPatience = "early_stopping_patience", seed, splitSeed = "split_seed"
        case speedCopies = "speed_copies", pitchCopies = "pitch_copies", copyProbability = "copy_probability"
        case noiseCopies = "noise_copies", reverbCopies = "reverb_copies"
        case telephoneProbability = "telephone_probability", gainDecibels = "gain_db", timeMasks = "time_masks"
        case maximumTimeMaskFrames = "max_time_mask_frames", frequencyMasks = "frequency_masks"
        case maximumFrequencyMaskBands = "max_frequency_mask_bands", folds, validationFraction = "validation_fraction"
        case robustnessConditions = "robustness_conditions", robustnessFraction = "robustness_fraction"
        case prefetchBatches = "prefetch_batches", blasThreads = "blas_threads", featureThreads = "feature_threads"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ current: T) throws -> T { try c.decodeIfPresent(T.self, forKey: key) ?? current }
        name = try value(.name, name)
        version = try value(.version, version)
        manifest = try value(.manifest, manifest)
        labelMap = try value(.labelMap, labelMap)
        featureConfig = try value(.featureConfig, featureConfig)
        features = try value(.features, features)
        layout = try value(.layout, layout)
        windowSeconds = try value(.windowSeconds, windowSeconds)
        cropSeconds = try value(.cropSeconds, cropSeconds)
        trimSilenceDecibels = try value(.trimSilenceDecibels, trimSilenceDecibels)
        ditherDecibels = c.contains(.ditherDecibels) ? try c.decodeIfPresent(Float.self, forKey: .ditherDecibels) : ditherDecibels
        levelNormalization = try c.decodeIfPresent(LevelNormalization.self, forKey: .levelNormalization)
        layers = try value(.layers, Self.defaultLayers(labels: labelMap.labels.count))
        epochs = try value(.epochs, epochs)
        batchSize = try value(.batchSize, batchSize)
        optimizer = try value(.optimizer, optimizer)
        learningRate = try value(.learningRate, learningRate)
        minimumLearningRate = try value(.minimumLearningRate, minimumLearningRate)
        schedule = try value(.schedule, schedule)
        warmupEpochs = try value(.warmupEpochs, warmupEpochs)
        stepEpochs = try value(.stepEpochs, stepEpochs)
        stepGamma = try value(.stepGamma, stepGamma)
        weightDecay = try value(.weightDecay, weightDecay)
        labelSmoothing = try value(.labelSmoothing, labelSmoothing)
        classWeighting = try value(.classWeighting, classWeighting)
        maskMissingClasses = try value(.maskMissingClasses, maskMissingClasses)
        corpusBalance = try value(.corpusBalance, corpusBalance)
        validationUA = try value(.validationUA, validationUA)
        heldOutCorpus = try c.decodeIfPresent(String.self, forKey: .heldOutCorpus)?.lowercased()
        gradientClipNorm = try value(.gradientClipNorm, gradientClipNorm)
        earlyStoppingPatience = try value(.earlyStoppingPatience, earlyStoppingPatience)
        seed = try value(.seed, seed)
        splitSeed = try c.decodeIfPresent(UInt64.self, forKey: .splitSeed)
        speedCopies = try value(.speedCopies, speedCopies)
        pitchCopies = try value(.pitchCopies, pitchCopies)
        noiseCopies = try value(.noiseCopies, noiseCopies)
        reverbCopies = try value(.reverbCopies, reverbCopies)
        copyProbability = try value(.copyProbability, copyProbability)
        telephoneProbability = try value(.telephoneProbability, telephoneProbability)
        gainDecibels = try value(.gainDecibels, gainDecibels)
        timeMasks = try value(.timeMasks, timeMasks)
        maximumTimeMaskFrames = try value(.maximumTimeMaskFrames, maximumTimeMaskFrames)
        frequencyMasks = try value(.frequencyMasks, frequencyMasks)
        maximumFrequencyMaskBands = try value(.maximumFrequencyMaskBands, maximumFrequencyMaskBands)
        folds = try value(.folds, folds)
        validationFraction = try value(.validationFraction, validationFraction)
        robustnessConditions = try value(.robustnessConditions, robustnessConditions)
        robustnessFraction = try value(.robustnessFraction, robustnessFraction)
        prefetchBatches = try value(.prefetchBatches, prefetchBatches)
        blasThreads = try value(.blasThreads, blasThreads)
        featureThreads = try value(.featureThreads, featureThreads)
    }

    /// Checks values a run cannot start with.
    public func validate() throws(TrainingError) {
        func fail(_ reason: String) -> TrainingError { .invalidConfiguration(reason) }
        guard epochs > 0, batchSize > 0 else { throw fail("epochs and batch_size must be positive") }
        guard learningRate > 0, minimumLearningRate >= 0 else { throw fail("learning rates must be positive") }
        guard windowSeconds > 0, cropSeconds > 0 else { throw fail("window_seconds and crop_seconds must be positive") }
        guard (0...1).contains(telephoneProbability) else { throw fail("telephone_probability must be in [0, 1]") }
        guard (0...1).contains(copyProbability) else { throw fail("copy_probability must be in [0, 1]") }
        guard speedCopies.allSatisfy({ $0 > 0.5 && $0 < 2 }) else { throw fail("speed_copies must each be in (0.5, 2)") }
        guard pitchCopies.allSatisfy({ abs($0) <= 12 }) else { throw fail("pitch_copies must each be within ±12 semitones") }
        guard noiseCopies.allSatisfy({ $0.count == 2 && $0[0] <= $0[1] && $0[0] >= -10 && $0[1] <= 60 }) else {
            throw fail("noise_copies must each be [low, high] SNR in dB, -10 <= low <= high <= 60")
        }
        guard reverbCopies.allSatisfy({ $0.count == 2 && $0[0] <= $0[1] && $0[0] > 0 && $0[1] <= 3 }) else {
            throw fail("reverb_copies must each be [low, high] RT60 in s, 0 < low <= high <= 3")
        }
        guard labelSmoothing >= 0, labelSmoothing < 1 else { throw fail("label_smoothing must be in [0, 1)") }
        guard folds == 0 || folds >= 2 else { throw fail("folds must be 0 or at least 2") }
        guard (0...1).contains(corpusBalance) else { throw fail("corpus_balance must be in [0, 1]") }
        guard robustnessFraction > 0, robustnessFraction <= 1 else { throw fail("robustness_fraction must be in (0, 1]") }
        for condition in robustnessConditions { _ = try RobustnessCondition(condition) }
        guard heldOutCorpus.map({ !$0.isEmpty }) ?? true else { throw fail("held_out_corpus must name a corpus or be null") }
        guard labelMap.validationErrors().isEmpty else { throw fail("label_map: \(labelMap.validationErrors())") }
        do {
            let shape = try networkSpec.shapes(time: cropFrames).last!
            guard shape == .vector(features: labelMap.labels.count) else {
                throw fail("the network outputs \(shape), expected \(labelMap.labels.count) logits")
            }
        } catch let error as TrainingError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
