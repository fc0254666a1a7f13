import Features
import LinearAlgebra
import Testing

@Suite("Functionals and deltas")
struct FunctionalsAndDeltasTests {
    @Test func statisticsOfAKnownRow() {
        let features = Matrix(rows: 1, columns: 5, values: [1, 2, 3, 4, 5])
        let result = Functionals.compute(features, framesPerSecond: 100)
        #expect(result.rows == 1 && result.columns == Functionals.statisticNames.count)
        let expected: [Float] = [3, Float(2).squareRoot(), 1, 5, 1.4, 3, 4.6, 100]  // slope: 1 per frame = 100 per second
        for (c, value) in expected.enumerated() { #expect(abs(result[0, c] - value) < 1e-4, "\(Functionals.statisticNames[c])") }
    }

    @Test func maskSelectsFrames() {
        let features = Matrix(rows: 2, columns: 4, values: [10, 99, 30, 99, 1, 1, 1, 1])
        let result = Functionals.compute(features, framesPerSecond: 1, mask: [true, false, true, false])
        #expect(result[0, 0] == 20 && result[0, 2] == 10 && result[0, 3] == 30)
        #expect(result[0, 7] == 10)  // (30 − 10) over 2 s
        #expect(result[1, 1] == 0)
        let none = Functionals.compute(features, framesPerSecond: 1, mask: [false, false, false, false])
        #expect(none.values.allSatisfy { $0 == 0 })
    }

    @Test func deltaOfARampIsItsSlopeAndDeltaDeltaOfAParabolaIsTwiceItsCurvature() {
        let frames = 30
        let ramp = Matrix(rows: 1, columns: frames, values: (0..<frames).map { 0.5 * Float($0) + 3 })
        #expect(Deltas.compute(ramp, order: 1, width: 9).values.allSatisfy { abs($0 - 0.5) < 1e-5 })
        let parabola = Matrix(rows: 1, columns: frames, values: (0..<frames).map { 0.25 * Float($0 * $0) - Float($0) })
        #expect(Deltas.compute(parabola, order: 2, width: 9).values.allSatisfy { abs($0 - 0.5) < 1e-3 })
        #expect(Deltas.compute(ramp, order: 2, width: 9).values.allSatisfy { abs($0) < 1e-5 })
    }

    @Test func savitzkyGolayFirstDerivativeWeightsAreTheRegressionSlope() {
        // librosa, width 9: y[t] = Σ k/60 · x[t + k], k in −4...4. An impulse at frame 8 of 17 gives
        // y[8 − k] = k/60 for the interior frames 4...12.
        let impulse = Matrix(rows: 1, columns: 17, values: (0..<17).map { $0 == 8 ? 1 : 0 })
        let delta = Deltas.compute(impulse, order: 1, width: 9)
        for k in -4...4 { #expect(abs(delta[0, 8 - k] - Float(k) / 60) < 1e-7, "k = \(k)") }
    }

    @Test func shortInputsShrinkTheWindowInsteadOfFailing() {
        let short = Matrix(rows: 1, columns: 5, values: [0, 1, 2, 3, 4])
        #expect(Deltas.compute(short, order: 1, width: 9).values.allSatisfy { abs($0 - 1) < 1e-5 })
        let tiny = Matrix(rows: 1, columns: 2, values: [0, 1])
        #expect(Deltas.compute(tiny, order: 1, width: 9).values == [0, 0])
    }
}
