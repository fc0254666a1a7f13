import Foundation
import Testing
@testable import Training

/// UA/WA/confusion over a corpus's own classes, with the full and the restricted argmax.
@Suite struct SubsetMetricsTests {
    let labels = ["a", "b", "c", "d"]
    /// Five predictions of a corpus without class d (hand-scored below).
    let truth = [0, 0, 1, 1, 2]
    let probabilities: [[Float]] = [[0.5, 0.1, 0.1, 0.3],   // full a ✓, restricted a ✓
                                    [0.3, 0.1, 0.1, 0.5],   // full d ✗, restricted a ✓
                                    [0.1, 0.2, 0.3, 0.4],   // full d ✗, restricted c ✗
                                    [0.1, 0.6, 0.1, 0.2],   // full b ✓, restricted b ✓
                                    [0.2, 0.1, 0.3, 0.4]]   // full d ✗, restricted c ✓

    @Test func fullAndRestrictedArgmaxByHand() {
        let m = SubsetMetrics(labels: labels, classes: [2, 0, 1], truth: truth, probabilities: probabilities)
        #expect(m.classes == ["a", "b", "c"])
        // Full argmax: recall a 1/2, b 1/2, c 0 → UA 1/3; 2 of 5 right.
        #expect(abs(m.unweightedAverageRecall - 1.0 / 3) < 1e-12)
        #expect(abs(m.accuracy - 0.4) < 1e-12)
        #expect(m.fullArgmax.confusion == [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]])
        // Restricted: recall a 2/2, b 1/2, c 1/1 → UA 5/6; 4 of 5 right; d is not a column.
        let r = m.restrictedArgmax
        #expect(r.labels == ["a", "b", "c"])
        #expect(abs(r.unweightedAverageRecall - 5.0 / 6) < 1e-12)
        #expect(abs(r.accuracy - 0.8) < 1e-12)
        #expect(r.confusion == [[2, 0, 0], [0, 1, 1], [0, 0, 1]])
        // Renormalised: the third prediction gives b 0.2 / 0.6 = 1/3.
        let correct: [Double] = [0.5 / 0.7, 0.3 / 0.5, 1.0 / 3, 0.6 / 0.8, 0.3 / 0.6]
        let nll = -correct.map { log($0) }.reduce(0, +) / 5
        #expect(abs(r.negativeLogLikelihood - nll) < 1e-6)
    }

    @Test func aSubsetOfEveryClassIsThePlainMetrics() {
        let all = SubsetMetrics(labels: labels, classes: [0, 1, 2, 3], truth: truth, probabilities: probabilities)
        let plain = ClassificationMetrics(labels: labels, truth: truth, probabilities: probabilities)
        #expect(all.fullArgmax == plain)
        #expect(all.restrictedArgmax.confusion == plain.confusion)
        #expect(all.unweightedAverageRecall == plain.unweightedAverageRecall)
    }

    @Test func pooledPredictionsBrokenDownByCorpus() throws {
        // Corpus x lacks d; corpus y has every class and two predictions: d right, a wrong (as d).
        let corpora = ["x", "x", "x", "x", "x", "y", "y"]
        let truthBoth = truth + [3, 0]
        let probabilitiesBoth = probabilities + [[0.1, 0.1, 0.1, 0.7], [0.3, 0.1, 0.1, 0.5]]
        let classes = CorpusClasses(labels: labels, classes: ["x": [0, 1, 2], "y": [0, 1, 2, 3]])
        let split = SubsetMetrics.byCorpus(labels: labels, corpora: corpora, truth: truthBoth, probabilities: probabilitiesBoth,
                                           corpusClasses: classes)
        #expect(Set(split.keys) == ["x", "y"])
        let x = try #require(split["x"]), y = try #require(split["y"])
        #expect(x == SubsetMetrics(labels: labels, classes: [0, 1, 2], truth: truth, probabilities: probabilities))
        #expect(y.classes == labels && y.fullArgmax.count == 2)
        // y: recall d 1/1, a 0/1 → UA 1/2 (b, c have no support); the restricted argmax keeps d.
        #expect(abs(y.unweightedAverageRecall - 0.5) < 1e-12 && y.restrictedArgmax.accuracy == 0.5)
    }

    @Test func corpusClassesFromLabelledUtterances() {
        let map = LabelMap(labels: ["a", "b", "c"], drop: ["z"])
        let rows = [("x", "a"), ("x", "b"), ("x", "z"), ("y", "c"), ("y", "a")].map {
            Utterance(path: "", corpus: $0.0, originalLabel: $0.1, mappedLabel: map.modelLabel(for: $0.1, corpus: $0.0), speaker: "s")
        }
        let classes = CorpusClasses(rows, labelMap: map)
        #expect(classes.classes == ["x": [0, 1], "y": [0, 2]])
        #expect(rows[0].presentClasses(in: classes) == [true, true, false])
        #expect(classes.mask(of: "unseen") == [true, true, true])
        #expect(!classes.isComplete)
    }
}
