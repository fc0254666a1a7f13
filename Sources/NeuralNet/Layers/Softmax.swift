#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax over the features of a vector, or of every row of a sequence (in place).
struct SoftmaxKernel: LayerKernel {
    var isInPlace: Bool { true }
    func outputShape(_ input: ActivationShape) -> ActivationShape { input }
    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        let features = shape.dimensions.last!
        for r in 0..<(shape.count / max(features, 1)) { softmax(output + r * features, count: features) }
    }
}

/// In-place softmax of `count` values, shifted by their maximum so `expf` never overflows: the one
/// softmax of the softmax layer, attentive pooling's time weights and training.
///
/// - Parameter temperature: the calibrated variant `softmax(x / T)` (temperature scaling, Guo et al.
///   2017); 1 leaves the values undivided.
package func softmax(_ values: UnsafeMutablePointer<Float>, count: Int, temperature: Float = 1) {
    guard count > 0 else { return }
    if temperature != 1 { for i in 0..<count { values[i] /= temperature } }
    var maximum = -Float.infinity
    for i in 0..<count { maximum = max(maximum, values[i]) }
    var sum: Float = 0
    for i in 0..<count {
        values[i] = expf(values[i] - maximum)
        sum += values[i]
    }
    let inverse = 1 / sum
    for i in 0..<count { values[i] *= inverse }
}

/// `softmax(logits / temperature)` of one vector (see `softmax(_:count:temperature:)`).
package func softmax(_ logits: [Float], temperature: Float = 1) -> [Float] {
    var result = logits
    guard !result.isEmpty else { return result }
    result.withUnsafeMutableBufferPointer { softmax($0.baseAddress!, count: $0.count, temperature: temperature) }
    return result
}
