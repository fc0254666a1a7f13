import Testing
@testable import Training

/// The training loss with per-example class masks: a class the example's corpus lacks is no negative.
@Suite struct SoftmaxCrossEntropyTests {
    /// 3 examples × 5 classes; example 0 has every class, 1 lacks classes 1 and 4, 2 lacks class 0.
    let logits: [Float] = [0.3, -1.2, 2.0, 0.5, -0.4,
                           1.1, 0.7, -0.3, 0.2, 2.5,
                           -0.8, 0.4, 0.9, -1.5, 0.1]
    let labels = [2, 3, 1]
    let present: [[Bool]] = [[true, true, true, true, true],
                             [true, false, true, true, false],
                             [false, true, true, true, true]]

    @Test func maskedGradientMatchesFiniteDifferences() {
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1, classWeights: [1, 0.5, 2, 1.5, 1])
        let (_, gradient) = loss.evaluate(logits: logits, labels: labels, classes: 5, present: present)
        let h: Float = 1e-2
        for i in logits.indices {
            var plus = logits, minus = logits
            plus[i] += h
            minus[i] -= h
            let numeric = (loss.evaluate(logits: plus, labels: labels, classes: 5, present: present).loss
                - loss.evaluate(logits: minus, labels: labels, classes: 5, present: present).loss) / Double(2 * h)
            #expect(abs(numeric - Double(gradient[i])) < 1e-3, "logit \(i): numeric \(numeric), analytic \(gradient[i])")
        }
    }

    @Test func aMaskedClassGetsNoGradientAndDoesNotMoveTheLoss() {
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        let (value, gradient) = loss.evaluate(logits: logits, labels: labels, classes: 5, present: present)
        for (b, mask) in present.enumerated() {
            for k in 0..<5 where !mask[k] { #expect(gradient[b * 5 + k] == 0, "example \(b), class \(k)") }
        }
        // Without the mask the missing classes are pushed down (positive gradient = decrease the logit).
        let unmasked = loss.evaluate(logits: logits, labels: labels, classes: 5).gradient
        #expect(unmasked[1 * 5 + 4] > 0.1)
        // A masked logit can be anything: the loss is unchanged.
        var moved = logits
        moved[1 * 5 + 4] = 40
        moved[2 * 5 + 0] = -40
        #expect(loss.evaluate(logits: moved, labels: labels, classes: 5, present: present).loss == value)
    }

    @Test func maskedLossIsTheLossOverThePresentClassesWithSmoothingSpreadOverThem() {
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.2)
        // Example 1 alone: classes 0, 2, 3 present, label 3 (index 2 among the present).
        let row = Array(logits[5..<10])
        let masked = loss.evaluate(logits: row, labels: [3], classes: 5, present: [present[1]])
        let reduced = loss.evaluate(logits: [row[0], row[2], row[3]], labels: [2], classes: 3)
        #expect(abs(masked.loss - reduced.loss) < 1e-9)
        #expect(masked.gradient == [reduced.gradient[0], 0, reduced.gradient[1], reduced.gradient[2], 0])
        // The present classes' gradient sums to 0: the target q sums to 1 over them.
        #expect(abs(masked.gradient.reduce(0, +)) < 1e-6)
    }

    @Test func anAllPresentMaskIsNoMask() {
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1, classWeights: [1, 2, 1, 1, 0.5])
        let all = [[Bool]](repeating: [Bool](repeating: true, count: 5), count: 3)
        let plain = loss.evaluate(logits: logits, labels: labels, classes: 5)
        let masked = loss.evaluate(logits: logits, labels: labels, classes: 5, present: all)
        #expect(plain.loss == masked.loss && plain.gradient == masked.gradient)
    }
}
