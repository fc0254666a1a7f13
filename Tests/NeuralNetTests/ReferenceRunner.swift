@testable import NeuralNet
import TestSupport

/// Runs a network's layers one by one through their reference forwards (`Reference/`), in evaluation
/// mode: what the serving kernels (folded BatchNorm, fused activation and pooling, the row-indexed
/// convolution, stacked recurrent directions) must reproduce.
struct ReferenceRunner {
    let network: Network

    func forward(_ input: BatchTensor) -> BatchTensor {
        var x = input
        for (index, layer) in network.spec.layers.enumerated() {
            x = forward(layer, index: index, x)
        }
        return x
    }

    private func values(_ index: Int, _ suffix: String) -> [Float] { optional(index, suffix)! }
    private func optional(_ index: Int, _ suffix: String) -> [Float]? {
        network.parameters["layers.\(index).\(suffix)"]?.values
    }

    private func forward(_ layer: LayerSpec, index: Int, _ x: BatchTensor) -> BatchTensor {
        switch layer {
        case .conv1d(let s), .conv2d(let s):
            var columns: [Float] = []
            return ConvolutionReference(spec: s).forward(x, weight: values(index, "weight"), bias: optional(index, "bias"),
                                                         columns: &columns)
        case .batchNorm(let s):
            var (mean, variance, normalized) = (values(index, "running_mean"), values(index, "running_var"), [Float]())
            return BatchNormReference(spec: s).forward(x, weight: values(index, "weight"), bias: values(index, "bias"),
                                                       runningMean: &mean, runningVariance: &variance, mode: .evaluation,
                                                       normalized: &normalized).output
        case .activation(let a): return a.forward(x)
        case .maxPool1d(let s), .maxPool2d(let s), .avgPool1d(let s), .avgPool2d(let s):
            let kind: PoolingKind = switch layer { case .maxPool1d, .maxPool2d: .max; default: .average }
            var argmax: [Int32] = []
            return PoolingReference(kind: kind, spec: s).forward(x, argmax: &argmax)
        case .dropout(let p):
            var random = SeededRandom(seed: 1)
            return DropoutReference(probability: p).forward(x, mode: .evaluation, random: &random).output
        case .dense(let s):
            return DenseReference(spec: s).forward(x, weight: values(index, "weight"), bias: optional(index, "bias"))
        case .flatten: return flattenForward(x)
        case .toSequence: return toSequenceForward(x)
        case .statisticsPooling(let s): return StatisticsPoolingReference(spec: s).forward(x).output
        case .attentiveStatisticsPooling(let s):
            return AttentiveStatisticsPoolingReference(spec: s).forward(
                x, attentionWeight: values(index, "attention.weight"), attentionBias: values(index, "attention.bias"),
                scoreWeight: values(index, "score.weight"), scoreBias: values(index, "score.bias")[0]).output
        case .softmax: return softmaxForward(x)
        case .lstm(let s), .gru(let s):
            let cell: RecurrentReference.Cell = if case .lstm = layer { .lstm } else { .gru }
            let weights = (0..<s.numLayers).map { l in
                (s.bidirectional ? ["", "_reverse"] : [""]).map { suffix in
                    RecurrentReference.Weights(
                        inputWeight: values(index, "weight_ih_l\(l)\(suffix)"),
                        hiddenWeight: values(index, "weight_hh_l\(l)\(suffix)"),
                        inputBias: values(index, "bias_ih_l\(l)\(suffix)"), hiddenBias: values(index, "bias_hh_l\(l)\(suffix)"))
                }
            }
            return RecurrentReference(cell: cell, spec: s).forward(x, weights: weights).output
        }
    }
}
