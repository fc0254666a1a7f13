#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Activation {
    /// Whether the function never decreases (so it commutes with max pooling). GELU and SiLU dip
    /// below zero for negative inputs and do not.
    var isNonDecreasing: Bool {
        switch self {
        case .relu, .tanh, .sigmoid: true
        case .leakyReLU(let slope): slope >= 0
        case .elu(let alpha): alpha >= 0
        case .gelu, .silu: false
        }
    }

    /// The function at one point (PyTorch's definitions).
    @inline(__always)
    package func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .relu: return max(x, 0)
        case .leakyReLU(let slope): return x >= 0 ? x : slope * x
        case .elu(let alpha): return x > 0 ? x : alpha * (expf(x) - 1)
        case .gelu: return 0.5 * x * (1 + erff(x * 0.70710678118654752))
        case .silu: return x / (1 + expf(-x))
        case .tanh: return rationalTanh(x)
        case .sigmoid: return NeuralNet.sigmoid(x)
        }
    }

    /// Applies the function in place to `count` floats, after adding `bias` to each (the fused
    /// bias + activation epilogue of conv and dense layers). The switch is outside the loops so each
    /// loop is branch-free and vectorisable.
    package func apply(_ values: UnsafeMutablePointer<Float>, count: Int, bias: Float = 0) {
        switch self {
        case .relu:
            for i in 0..<count { values[i] = max(values[i] + bias, 0) }
        case .leakyReLU(let slope):
            for i in 0..<count { let x = values[i] + bias; values[i] = max(x, 0) + slope * min(x, 0) }
        case .tanh:
            for i in 0..<count { values[i] = rationalTanh(values[i] + bias) }
        case .sigmoid:
            for i in 0..<count { values[i] = NeuralNet.sigmoid(values[i] + bias) }
        default:
            for i in 0..<count { values[i] = self(values[i] + bias) }
        }
    }
}

/// The logistic function `1 / (1 + e^-x)` of every layer, serving and training alike, as
/// `(1 + tanh(x/2)) / 2` so that loops over it vectorise (no libm call); absolute error below 2e-7.
@inline(__always)
package func sigmoid(_ x: Float) -> Float { 0.5 + 0.5 * rationalTanh(0.5 * x) }

/// `tanh(x)` of every layer, serving and training alike, as the odd 13/6-degree rational approximation
/// Eigen uses for float (`ptanh_float`): branch-free and call-free, so a loop over it vectorises,
/// unlike libm's `tanhf` (which calls `expm1f` per element and was ~12% of a 60 s forward pass of the
/// shipped model's attentive pooling). Absolute and relative error below 3.5e-7 on all of ℝ (checked
/// against float64 `tanh` in tests); the input is clamped to ±7.9053111 where the float result is ±1 to
/// within rounding.
@inline(__always)
package func rationalTanh(_ value: Float) -> Float {
    let x = min(max(value, -7.90531110763549805), 7.90531110763549805)
    let x2 = x * x
    var p: Float = -2.76076847742355e-16
    p = p * x2 + 2.00018790482477e-13
    p = p * x2 + -8.60467152213735e-11
    p = p * x2 + 5.12229709037114e-08
    p = p * x2 + 1.48572235717979e-05
    p = p * x2 + 6.37261928875436e-04
    p = p * x2 + 4.89352455891786e-03
    var q: Float = 1.19825839466702e-06
    q = q * x2 + 1.18534705686654e-04
    q = q * x2 + 2.26843463243900e-03
    q = q * x2 + 4.89352518554385e-03
    return x * p / q
}

/// Adds `bias` (if any) and applies `activation` (if any) to `rows` rows of `columns` floats with row
/// stride `stride`, row `r` getting `bias[r]`: the epilogue after a `gemm` producing `[rows, columns]`.
func biasActivationRows(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
                        bias: UnsafePointer<Float>?, activation: Activation?) {
    for r in 0..<rows {
        let row = values + r * stride
        let b = bias?[r] ?? 0
        if let activation {
            activation.apply(row, count: columns, bias: b)
        } else if bias != nil {
            for i in 0..<columns { row[i] += b }
        }
    }
}

/// Adds `bias[c]` to column `c` of each of `rows` rows (`columns` wide, contiguous) and applies
/// `activation`: the epilogue of a dense layer, whose output features are the columns.
func biasActivationColumns(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                           bias: UnsafePointer<Float>?, activation: Activation?) {
    for r in 0..<rows {
        let row = values + r * columns
        if let bias { for i in 0..<columns { row[i] += bias[i] } }
        activation?.apply(row, count: columns)
    }
}

/// A standalone activation layer (in place).
struct ActivationKernel: LayerKernel {
    let activation: Activation
    var isInPlace: Bool { true }
    func outputShape(_ input: ActivationShape) -> ActivationShape { input }
    func forward(_ input: UnsafeMutablePointer<Float>, _ shape: ActivationShape,
                 _ output: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                 _ tiling: ConvolutionTiling) {
        activation.apply(output, count: shape.count)
    }
}
