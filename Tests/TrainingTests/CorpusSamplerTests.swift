import Logging
import Testing
@testable import Training

/// Balanced sampling across corpora: a corpus's share of an epoch follows size^(1 − β).
@Suite struct CorpusSamplerTests {
    /// Corpora of 1,000, 100 and 10 training files.
    let corpora = Array(repeating: "big", count: 1000) + Array(repeating: "mid", count: 100) + Array(repeating: "small", count: 10)

    private func drawnShares(balance: Double, draws: Int = 30000, seed: UInt64 = 3) -> [String: Double] {
        let sampler = CorpusSampler(indices: Array(corpora.indices), corpora: corpora, balance: balance)
        var random = SeededGenerator(seed: seed)
        let drawn = sampler.draw(count: draws, random: &random)
        return Dictionary(grouping: drawn, by: { corpora[$0] }).mapValues { Double($0.count) / Double(draws) }
    }

    @Test func fullBalanceDrawsEveryCorpusEquallyOften() {
        let shares = drawnShares(balance: 1)
        for corpus in ["big", "mid", "small"] { #expect(abs((shares[corpus] ?? 0) - 1.0 / 3) < 0.015, "\(corpus) \(shares)") }
    }

    @Test func partialBalanceFollowsTheSizePower() {
        // β = 0.5: shares ∝ √n = 31.6 : 10 : 3.16.
        let shares = drawnShares(balance: 0.5)
        let roots = [1000.0, 100, 10].map { $0.squareRoot() }
        let total = roots.reduce(0, +)
        for (corpus, root) in zip(["big", "mid", "small"], roots) {
            #expect(abs((shares[corpus] ?? 0) - root / total) < 0.015, "\(corpus) \(shares)")
        }
        let sampler = CorpusSampler(indices: Array(corpora.indices), corpora: corpora, balance: 0.5)
        #expect(abs(sampler.shares["small"]! - roots[2] / total) < 1e-12)
        // No balance: shares are the sizes.
        #expect(abs((drawnShares(balance: 0)["big"] ?? 0) - 1000.0 / 1110) < 0.015)
    }

    @Test func drawsAreReproducibleAndTheDefaultOrderIsAPermutation() {
        let sampler = CorpusSampler(indices: Array(corpora.indices), corpora: corpora, balance: 1)
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        #expect(sampler.draw(count: 50, random: &a) == sampler.draw(count: 50, random: &b))
        // The trainer's epoch order without balance is a shuffle of the training files, with it a draw.
        let store = SyntheticTask.store()
        var config = SyntheticTask.config()
        let (mean, std) = store.normalization(indices: Array(0..<64), includeTelephone: false)
        let plain = Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: Logger(label: "test"))
        #expect(plain.epochOrder(Array(0..<64), epoch: 1).sorted() == Array(0..<64))
        config.corpusBalance = 1
        let balanced = Trainer(config: config, store: store, mean: mean, standardDeviation: std, logger: Logger(label: "test"))
        let order = balanced.epochOrder(Array(0..<64), epoch: 1)
        #expect(order.count == 64 && Set(order).isSubset(of: Set(0..<64)) && order.sorted() != Array(0..<64))
    }
}
