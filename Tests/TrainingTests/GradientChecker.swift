import NeuralNet
@testable import Training

/// Central finite differences against `TrainableNetwork.backward` for a loss `L = Σ r ⊙ y` with a fixed
/// random `r` (accumulated in Float64), on a sample of entries of every parameter tensor and of the
/// input.
struct GradientChecker {
    /// Small enough that few ReLU / max-pool kinks fall inside `±step` of a perturbed entry, large
    /// enough that Float32 rounding of the loss stays far below the tolerance.
    var step: Float = 1e-3
    var relativeTolerance: Double = 2e-2
    var absoluteTolerance: Double = 2e-3
    /// Entries checked per tensor (all when the tensor is smaller).
    var samplesPerTensor = 10

    struct Mismatch: CustomStringConvertible {
        var tensor: String, index: Int, analytic: Double, numeric: Double
        var description: String { "\(tensor)[\(index)]: analytic \(analytic), numeric \(numeric)" }
    }

    /// Every mismatching entry (empty when the gradients agree), and how many entries were checked.
    func check(spec: NetworkSpec, time: Int, batch: Int = 3, mode: ForwardMode = .training, seed: UInt64 = 1,
               prepare: (TrainableNetwork) -> Void = { _ in }) throws -> (mismatches: [Mismatch], checked: Int) {
        var random = SeededGenerator(seed: seed)
        let network = try TrainableNetwork(spec: spec, random: &random)
        // Non-trivial BatchNorm affine parameters and running statistics.
        for p in network.parameters where p.name.hasSuffix("running_var") { p.value = p.value.map { _ in 0.5 + random.nextUniform() } }
        for p in network.parameters where p.name.hasSuffix("running_mean") { p.value = p.value.map { _ in random.nextNormal() * 0.3 } }
        prepare(network)
        let shape = try network.inputShape(time: time)
        var input = BatchTensor(shape: shape, batch: batch, values: (0..<(batch * shape.count)).map { _ in random.nextNormal() })
        let dropoutSeed = SeededGenerator(seed: seed, streams: 99)
        func forward(_ x: BatchTensor) -> BatchTensor {
            var r = dropoutSeed
            return network.forward(x, mode: mode, random: &r)
        }
        let outputShape = forward(input)
        let weights = (0..<outputShape.values.count).map { _ in random.nextNormal() }
        func loss(_ x: BatchTensor) -> Double {
            zip(forward(x).values, weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        network.zeroGradients()
        _ = forward(input)
        let inputGradient = network.backward(BatchTensor(shape: outputShape.shape, batch: batch, values: weights),
                                             needsInputGradient: true)
        var mismatches: [Mismatch] = []
        var checked = 0
        func compare(_ name: String, _ index: Int, _ analytic: Float, _ perturb: (Float) -> Void, _ original: Float) {
            perturb(original + step)
            let plus = loss(input)
            perturb(original - step)
            let minus = loss(input)
            perturb(original)
            let numeric = (plus - minus) / (2 * Double(step))
            checked += 1
            if abs(numeric - Double(analytic)) > absoluteTolerance + relativeTolerance * max(abs(numeric), abs(Double(analytic))) {
                mismatches.append(Mismatch(tensor: name, index: index, analytic: Double(analytic), numeric: numeric))
            }
        }
        func sample(_ count: Int) -> [Int] {
            count <= samplesPerTensor ? Array(0..<count) : (0..<samplesPerTensor).map { _ in Int(random.next() % UInt64(count)) }
        }
        for p in network.parameters where p.trainable {
            for i in sample(p.count) {
                compare(p.name, i, p.gradient[i], { p.value[i] = $0 }, p.value[i])
            }
        }
        for i in sample(input.values.count) {
            compare("input", i, inputGradient.values[i], { input.values[i] = $0 }, input.values[i])
        }
        return (mismatches, checked)
    }
}
