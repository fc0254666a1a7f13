import Foundation
import Testing
@testable import NeuralNet

/// The vectorisable `tanh` / `sigmoid` against float64 references, over the whole range a layer can
/// see (saturation, the origin, and subnormal-sized inputs).
@Suite struct ActivationFunctionTests {
    static let inputs: [Float] = stride(from: -20.0, through: 20.0, by: 0.000_37).map { Float($0) }
        + [0, -0, 1e-30, -1e-30, 1e-8, 3e-4, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]

    @Test func rationalTanhIsWithinFourTenthsOfAMillionthRelative() {
        for x in Self.inputs {
            let reference = tanh(Double(x))
            let error = abs(Double(rationalTanh(x)) - reference)
            // Relative error (|tanh| ≤ 1, so this bounds the absolute error too).
            #expect(error <= 4e-7 * abs(reference) + 1e-37, "tanh(\(x)): \(rationalTanh(x)) vs \(reference)")
        }
        #expect(rationalTanh(0) == 0)
        #expect(rationalTanh(30) == 1 && rationalTanh(-30) == -1)
    }

    @Test func sigmoidIsWithinTwoTenthsOfAMillionth() {
        for x in Self.inputs {
            let reference = 1 / (1 + exp(-Double(x)))
            #expect(abs(Double(sigmoid(x)) - reference) <= 2e-7, "sigmoid(\(x))")
        }
    }

    @Test func vectorisedApplyMatchesThePointwiseFunction() {
        let values: [Float] = (0..<1000).map { Float($0 - 500) * 0.013 }
        for activation in [Activation.tanh, .sigmoid] {
            var applied = values
            applied.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, count: $0.count, bias: 0.25) }
            for (x, y) in zip(values, applied) { #expect(y == activation(x + 0.25)) }
        }
    }
}
