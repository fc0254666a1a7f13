import LinearAlgebra
import Model
import NeuralNet

/// Turns cached feature matrices into normalised, augmented, fixed-length training batches.
///
/// Per example (all choices from `SeededGenerator(seed:, streams: epoch, example)`, so a batch's
/// content does not depend on which thread builds it or on a resume): the original recording or,
/// with `copyProbability`, one of the store's precomputed waveform copies (own random stream, so
/// without copies every other draw is unchanged); telephone or clean version,
/// a random crop of `cropFrames` (shorter clips are tiled from a random phase), a random gain in
/// dB added to the log-mel and energy rows (none under level normalisation), normalisation `(x − mean) / std` exactly as
/// `InputAssembler`, then SpecAugment time and frequency masks set to 0 (the normalised mean).
public struct BatchAssembler: Sendable {
    public let store: FeatureStore
    public let config: TrainingConfig
    public let mean: [Float]
    public let standardDeviation: [Float]
    /// Rows that a gain shifts (log-mel, energy) and rows a frequency mask may cover (log-mel).
    let gainRows: [Int]
    let melRows: Range<Int>?

    public init(store: FeatureStore, config: TrainingConfig, mean: [Float], standardDeviation: [Float]) {
        self.store = store
        self.config = config
        self.mean = mean
        self.standardDeviation = standardDeviation
        var row = 0
        var gain: [Int] = []
        var mel: Range<Int>?
        // Under level normalisation the cached rows are already relative to the clip: a gain would
        // not change them at serving, so it must not here either.
        let shiftsLevel = config.levelNormalization == nil
        for feature in config.features {
            let count = ModelInputSpec.rowCount(of: feature, config: config.featureConfig)
            if feature == .logMel { mel = row..<(row + count) }
            if shiftsLevel, feature == .logMel || feature == .energy { gain += Array(row..<(row + count)) }
            row += count
        }
        gainRows = gain
        melRows = mel
    }

    /// The per-example shape of a batch.
    public var exampleShape: ActivationShape {
        let rows = mean.count
        return config.layout == .image
            ? .planes(channels: 1, height: rows, width: config.cropFrames)
            : .channels(channels: rows, time: config.cropFrames)
    }

    /// One batch of the utterances at `indices` (into the store) for `epoch`; `positions` are the
    /// examples' positions in the epoch's order (their random streams).
    public func batch(indices: [Int], positions: [Int], epoch: Int) -> (input: BatchTensor, labels: [Int]) {
        let shape = exampleShape
        var values = [Float](repeating: 0, count: indices.count * shape.count)
        let width = config.cropFrames
        var labels: [Int] = []
        for (slot, (index, position)) in zip(indices, positions).enumerated() {
            var random = SeededGenerator(seed: config.seed, streams: 1, UInt64(epoch), UInt64(position))
            let useTelephone = !store.telephone.isEmpty && random.chance(config.telephoneProbability)
            var copy: Int?
            if !store.copies.isEmpty && config.copyProbability > 0 {
                var copyRandom = SeededGenerator(seed: config.seed, streams: 4, UInt64(epoch), UInt64(position))
                if copyRandom.chance(config.copyProbability) { copy = copyRandom.uniform(below: store.copies.count) }
            }
            let source = switch (copy, useTelephone) {
            case (nil, false): store.clean[index]
            case (nil, true): store.telephone[index]
            case (let c?, false): store.copiesClean[c][index]
            case (let c?, true): store.copiesTelephone[c][index]
            }
            let frames = source.columns
            let offset = frames > width ? random.uniform(below: frames - width + 1) : random.uniform(below: frames)
            let gain = config.gainDecibels > 0 ? Float(random.uniform(in: -Double(config.gainDecibels)...Double(config.gainDecibels))) : 0
            let base = slot * shape.count
            values.withUnsafeMutableBufferPointer { out in
                source.values.withUnsafeBufferPointer { x in
                    for r in 0..<source.rows {
                        let shift = gainRows.contains(r) ? gain : 0
                        let m = mean[r], scale = InputAssembler.inverseDeviation(standardDeviation[r])
                        let row = out.baseAddress! + base + r * width
                        let input = x.baseAddress! + r * frames
                        for t in 0..<width {
                            let column = frames > width ? offset + t : (offset + t) % frames
                            row[t] = (input[column] + shift - m) * scale
                        }
                    }
                }
                for _ in 0..<config.timeMasks where config.maximumTimeMaskFrames > 0 {
                    let length = random.uniform(in: 0...config.maximumTimeMaskFrames)
                    let start = random.uniform(below: max(width - length, 1))
                    for r in 0..<source.rows {
                        for t in start..<min(start + length, width) { out[base + r * width + t] = 0 }
                    }
                }
                if let melRows {
                    for _ in 0..<config.frequencyMasks where config.maximumFrequencyMaskBands > 0 {
                        let length = random.uniform(in: 0...config.maximumFrequencyMaskBands)
                        let start = melRows.lowerBound + random.uniform(below: max(melRows.count - length, 1))
                        for r in start..<min(start + length, melRows.upperBound) {
                            for t in 0..<width { out[base + r * width + t] = 0 }
                        }
                    }
                }
            }
            labels.append(store.utterances[index].labelIndex(in: config.labelMap))
        }
        return (BatchTensor(shape: shape, batch: indices.count, values: values), labels)
    }

    /// A whole cached input normalised exactly as `InputAssembler.assemble(normalize: true)` does.
    public func normalized(_ matrix: Matrix) -> Matrix {
        var result = matrix
        InputAssembler.standardize(&result, mean: mean, standardDeviation: standardDeviation)
        return result
    }
}

extension Utterance {
    /// Index of this utterance's model label (it must have one: train only on `labelled`).
    func labelIndex(in map: LabelMap) -> Int {
        map.index(of: mappedLabel!)!
    }
}
