import Foundation

/// An epoch's training order when corpora should weigh more evenly than their sizes: TESS's 2,798
/// clean clips of two speakers would otherwise fill more than a third of every batch.
///
/// With balance `β` in [0, 1] an example of corpus `c` (with `n_c` training files) is drawn with
/// probability ∝ `n_c^(−β)`, so corpus `c` fills a share ∝ `n_c^(1−β)` of the epoch: β = 0 is every
/// file equally often (the plain shuffle), β = 1 every corpus equally often, 0.5 shares ∝ √n_c.
/// Draws are with replacement (a small corpus repeats within an epoch), as many as there are
/// training files, from the epoch's own random stream, so a resumed run draws the same orders.
public struct CorpusSampler: Sendable {
    /// The training indices (into the store) the sampler draws from.
    public let indices: [Int]
    /// Cumulative draw probabilities of `indices` (last = 1).
    let cumulative: [Double]
    /// Expected share of each corpus in an epoch.
    public let shares: [String: Double]

    /// - Parameters:
    ///   - corpora: the corpus of each of `indices`.
    ///   - balance: β in [0, 1].
    public init(indices: [Int], corpora: [String], balance: Double) {
        precondition(indices.count == corpora.count && !indices.isEmpty, "one corpus per training index")
        precondition((0...1).contains(balance), "balance must be in [0, 1]")
        var sizes: [String: Int] = [:]
        for corpus in corpora { sizes[corpus, default: 0] += 1 }
        let weights = corpora.map { pow(Double(sizes[$0]!), -balance) }
        let total = weights.reduce(0, +)
        var running = 0.0
        cumulative = weights.map { running += $0 / total; return running }
        self.indices = indices
        shares = sizes.mapValues { pow(Double($0), 1 - balance) / sizes.values.map { pow(Double($0), 1 - balance) }.reduce(0, +) }
    }

    /// `count` indices drawn with replacement by the corpus weights.
    public func draw(count: Int, random: inout SeededGenerator) -> [Int] {
        (0..<count).map { _ in
            let u = random.unitDouble()
            var low = 0, high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > u { high = middle } else { low = middle + 1 }
            }
            return indices[low]
        }
    }
}
