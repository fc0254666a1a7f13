import Features
import Foundation
import LinearAlgebra
import Model
import NeuralNet
import Testing
@testable import Training

@Suite struct BatchAssemblerTests {
    /// The trainer normalises cached inputs with exactly the server's arithmetic.
    @Test func normalisationMatchesTheServersInputAssembler() throws {
        var config = TrainingConfig()
        config.features = [.logMel, .pitch, .voicing, .energy]
        let extractor = try FeatureExtractor(config: config.featureConfig)
        var random = SeededGenerator(seed: 5)
        let samples = (0..<16000).map { i in Float(0.2 * sin(Double(i) * 0.05)) + 0.01 * Float(random.gaussian()) }
        let raw = InputAssembler.assemble(samples, extractor: extractor, spec: config.inputSpec, normalize: false)
        let utterance = Utterance(path: "x.wav", corpus: "synthetic", originalLabel: "angry", mappedLabel: "angry",
                                  speaker: "synthetic_1", gender: nil, durationSeconds: nil)
        let store = FeatureStore(utterances: [utterance], clean: [raw], telephone: [])
        let (mean, std) = store.normalization(indices: [0], includeTelephone: false)
        var spec = config.inputSpec
        spec.mean = mean
        spec.standardDeviation = std
        let served = InputAssembler.assemble(samples, extractor: extractor, spec: spec, normalize: true)
        let assembler = BatchAssembler(store: store, config: config, mean: mean, standardDeviation: std)
        #expect(assembler.normalized(raw) == served)
    }

    /// Crops are the window length; short clips are tiled, not zero-padded; gain shifts only the
    /// log-mel and energy rows; a batch is reproducible from (seed, epoch, position).
    @Test func cropsTilesAndAugmentsReproducibly() {
        var config = SyntheticTask.config()
        config.gainDecibels = 5
        config.timeMasks = 0
        config.features = [.logMel, .pitch]
        let rows = 9
        let short = Matrix(rows: rows, columns: 10, values: (0..<(rows * 10)).map { Float($0 % 10) })
        let long = Matrix(rows: rows, columns: 100, values: (0..<(rows * 100)).map { Float($0 % 100) })
        let utterances = ["low", "high"].map {
            Utterance(path: "\($0).wav", corpus: "synthetic", originalLabel: $0, mappedLabel: $0, speaker: "s", gender: nil, durationSeconds: nil)
        }
        let store = FeatureStore(utterances: utterances, clean: [short, long], telephone: [])
        let assembler = BatchAssembler(store: store, config: config, mean: [Float](repeating: 0, count: rows),
                                       standardDeviation: [Float](repeating: 1, count: rows))
        let (batch, labels) = assembler.batch(indices: [0, 1], positions: [0, 1], epoch: 3)
        #expect(labels == [0, 1])
        let width = config.cropFrames
        #expect(batch.shape == .channels(channels: rows, time: width))
        let first = batch.example(0)
        // Row 8 (pitch) is not gain-shifted: a tiling of 0…9 from some phase.
        let pitch = Array(first[(8 * width)..<(9 * width)])
        for t in 1..<width { #expect(pitch[t] == Float((Int(pitch[t - 1]) + 1) % 10)) }
        // Row 0 (log-mel) is the same tiling plus one constant gain.
        let shift = first[0] - pitch[0]
        #expect(abs(shift) <= 5)
        for t in 0..<width { #expect(abs(first[t] - pitch[t] - shift) < 1e-5) }
        // The long clip is a contiguous crop.
        let second = batch.example(1)
        let crop = Array(second[(8 * width)..<(9 * width)])
        for t in 1..<width { #expect(crop[t] == crop[t - 1] + 1) }
        #expect(assembler.batch(indices: [0, 1], positions: [0, 1], epoch: 3).input == batch)
        #expect(assembler.batch(indices: [0, 1], positions: [0, 1], epoch: 4).input != batch)
    }

    /// With precomputed waveform copies, examples draw the original or a copy (the telephone choice,
    /// crop and gain draws unchanged); with `copyProbability` 0 the batches are those of a store
    /// without copies.
    @Test func copiesAreDrawnPerExampleWithoutChangingTheOtherDraws() {
        var config = SyntheticTask.config()
        config.gainDecibels = 0
        config.timeMasks = 0
        config.frequencyMasks = 0
        config.features = [.logMel, .pitch]
        let rows = 9, columns = 400
        func constant(_ value: Float) -> Matrix { Matrix(rows: rows, columns: columns, values: [Float](repeating: value, count: rows * columns)) }
        let utterances = (0..<64).map { _ in
            Utterance(path: "x.wav", corpus: "synthetic", originalLabel: "low", mappedLabel: "low", speaker: "s", gender: nil, durationSeconds: nil)
        }
        let n = utterances.count
        let plain = FeatureStore(utterances: utterances, clean: Array(repeating: constant(0), count: n),
                                 telephone: Array(repeating: constant(1), count: n))
        let withCopies = FeatureStore(utterances: utterances, clean: Array(repeating: constant(0), count: n),
                                      telephone: Array(repeating: constant(1), count: n),
                                      copies: [.speed(0.9), .speed(1.1)],
                                      copiesClean: [Array(repeating: constant(10), count: n), Array(repeating: constant(20), count: n)],
                                      copiesTelephone: [Array(repeating: constant(11), count: n), Array(repeating: constant(21), count: n)])
        let mean = [Float](repeating: 0, count: rows), std = [Float](repeating: 1, count: rows)
        let indices = Array(0..<n)
        config.copyProbability = 0
        let reference = BatchAssembler(store: plain, config: config, mean: mean, standardDeviation: std).batch(indices: indices, positions: indices, epoch: 2).input
        #expect(BatchAssembler(store: withCopies, config: config, mean: mean, standardDeviation: std).batch(indices: indices, positions: indices, epoch: 2).input == reference)
        config.copyProbability = 2.0 / 3
        let mixed = BatchAssembler(store: withCopies, config: config, mean: mean, standardDeviation: std).batch(indices: indices, positions: indices, epoch: 2).input
        var seen = Set<Float>()
        for e in 0..<n {
            let value = mixed.example(e)[0], plainValue = reference.example(e)[0]
            seen.insert(value)
            // Same telephone choice as without copies: the units digit is the channel.
            #expect(value.truncatingRemainder(dividingBy: 10) == plainValue)
        }
        #expect(seen.isSuperset(of: [0, 10, 20]))
    }
}
