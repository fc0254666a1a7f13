extension Activation {
    /// The reference forward of an activation layer over a batch: `Activation.apply`, the function the
    /// serving kernels fuse into their epilogues (rational `tanh`, `sigmoid` through it).
    package func forward(_ input: BatchTensor) -> BatchTensor {
        var output = input
        output.values.withUnsafeMutableBufferPointer { y in
            guard let base = y.baseAddress else { return }
            apply(base, count: y.count)
        }
        return output
    }
}

/// The reference forward of `softmax` over a batch: over the last axis of every example (of a vector,
/// or of every step of a sequence), by `softmax(_:count:temperature:)`.
package func softmaxForward(_ input: BatchTensor) -> BatchTensor {
    var output = input
    let d = max(input.shape.dimensions.last!, 1)
    output.values.withUnsafeMutableBufferPointer { y in
        for r in 0..<(y.count / d) { softmax(y.baseAddress! + r * d, count: d) }
    }
    return output
}
