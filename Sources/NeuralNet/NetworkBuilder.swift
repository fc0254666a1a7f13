extension Network {
    /// Turns the validated layer list into kernels: dropout is dropped (identity at inference), a
    /// BatchNorm directly after a conv/dense layer is folded into its weights, and an activation right
    /// after that is fused into its bias epilogue.
    static func makeKernels(spec: NetworkSpec, shapes: [ActivationShape], parameters: [String: Tensor]) -> [any LayerKernel] {
        func values(_ index: Int, _ suffix: String) -> [Float] { parameters["layers.\(index).\(suffix)"]!.values }
        func optionalValues(_ index: Int, _ suffix: String) -> [Float]? { parameters["layers.\(index).\(suffix)"]?.values }
        func batchNorm(_ index: Int, _ s: BatchNormSpec) -> BatchNormKernel {
            BatchNormKernel(weight: values(index, "weight"), bias: values(index, "bias"),
                            runningMean: values(index, "running_mean"), runningVariance: values(index, "running_var"),
                            epsilon: s.epsilon)
        }
        // Indices of layers that do something at inference.
        let active = spec.layers.indices.filter { if case .dropout = spec.layers[$0] { false } else { true } }
        var kernels: [any LayerKernel] = []
        var position = 0
        while position < active.count {
            let index = active[position]
            position += 1
            let layer = spec.layers[index]

            /// For a layer with weights: folds a following BatchNorm and fuses a following activation.
            func epilogue(weights: [Float], bias: [Float]?) -> (weights: [Float], bias: [Float]?, activation: Activation?) {
                var (w, b) = (weights, bias)
                if position < active.count, case .batchNorm(let s) = spec.layers[active[position]] {
                    (w, b) = foldBatchNorm(weights: w, bias: b, into: batchNorm(active[position], s))
                    position += 1
                }
                var activation: Activation?
                if position < active.count, case .activation(let a) = spec.layers[active[position]] {
                    activation = a
                    position += 1
                }
                return (w, b, activation)
            }

            switch layer {
            case .conv1d(let s), .conv2d(let s):
                let e = epilogue(weights: values(index, "weight"), bias: optionalValues(index, "bias"))
                var oneDimensional = false
                if case .conv1d = layer { oneDimensional = true }
                // A following non-overlapping pooling (stride = kernel, no padding) of the same rank is fused.
                var pool: ConvolutionKernel.FusedPooling?
                if position < active.count {
                    let (kind, p): (PoolingKernel.Kind?, PoolingSpec?) = switch spec.layers[active[position]] {
                    case .maxPool2d(let p) where !oneDimensional: (.max, p)
                    case .avgPool2d(let p) where !oneDimensional: (.average, p)
                    case .maxPool1d(let p) where oneDimensional: (.max, p)
                    case .avgPool1d(let p) where oneDimensional: (.average, p)
                    default: (nil, nil)
                    }
                    if let kind, let p, p.stride == p.kernelSize, p.padding.allSatisfy({ $0 == 0 }) {
                        pool = .init(kind: kind, height: oneDimensional ? 1 : p.kernelSize[0], width: p.kernelSize.last!)
                        position += 1
                    }
                }
                kernels.append(ConvolutionKernel(spec: s, oneDimensional: oneDimensional, weights: e.weights,
                                                 bias: e.bias, activation: e.activation, pool: pool))
            case .dense(let s):
                let e = epilogue(weights: values(index, "weight"), bias: optionalValues(index, "bias"))
                kernels.append(DenseKernel(inFeatures: shapes[index].dimensions.last!, outFeatures: s.outFeatures,
                                           weights: e.weights, bias: e.bias, activation: e.activation))
            case .batchNorm(let s):
                kernels.append(batchNorm(index, s))
            case .activation(let a):
                kernels.append(ActivationKernel(activation: a))
            case .maxPool1d(let s): kernels.append(PoolingKernel(kind: .max, spec: s, oneDimensional: true))
            case .maxPool2d(let s): kernels.append(PoolingKernel(kind: .max, spec: s, oneDimensional: false))
            case .avgPool1d(let s): kernels.append(PoolingKernel(kind: .average, spec: s, oneDimensional: true))
            case .avgPool2d(let s): kernels.append(PoolingKernel(kind: .average, spec: s, oneDimensional: false))
            case .dropout: break
            case .flatten: kernels.append(FlattenKernel())
            case .toSequence: kernels.append(ToSequenceKernel())
            case .statisticsPooling(let s): kernels.append(StatisticsPoolingKernel(epsilon: s.epsilon))
            case .attentiveStatisticsPooling(let s):
                kernels.append(AttentiveStatisticsPoolingKernel(
                    features: shapes[index].timeFeatures!, attentionChannels: s.attentionChannels,
                    attentionWeight: values(index, "attention.weight"), attentionBias: values(index, "attention.bias"),
                    scoreWeight: values(index, "score.weight"), scoreBias: values(index, "score.bias")[0],
                    epsilon: s.epsilon))
            case .softmax: kernels.append(SoftmaxKernel())
            case .lstm(let s), .gru(let s):
                let cell: RecurrentKernel.Cell = if case .lstm = layer { .lstm } else { .gru }
                kernels.append(makeRecurrent(cell: cell, spec: s, inputSize: shapes[index].dimensions.last!,
                                             index: index, parameters: parameters))
            }
        }
        return kernels
    }

    /// Stacks both directions' input weights into one matrix and pre-sums the biases that can be
    /// added to the input projection.
    private static func makeRecurrent(cell: RecurrentKernel.Cell, spec: RecurrentSpec, inputSize: Int, index: Int,
                                      parameters: [String: Tensor]) -> RecurrentKernel {
        let h = spec.hiddenSize
        var layers: [RecurrentKernel.Layer] = []
        for l in 0..<spec.numLayers {
            var inputWeights: [Float] = []
            var inputBias: [Float] = []
            var hiddenWeights: [[Float]] = []
            var hiddenNewBias: [[Float]] = []
            for suffix in spec.bidirectional ? ["", "_reverse"] : [""] {
                func values(_ name: String) -> [Float] { parameters["layers.\(index).\(name)_l\(l)\(suffix)"]!.values }
                inputWeights += values("weight_ih")
                hiddenWeights.append(values("weight_hh"))
                let (bih, bhh) = (values("bias_ih"), values("bias_hh"))
                switch cell {
                case .lstm:
                    inputBias += zip(bih, bhh).map(+)
                    hiddenNewBias.append([])
                case .gru:
                    inputBias += (0..<(3 * h)).map { $0 < 2 * h ? bih[$0] + bhh[$0] : bih[$0] }
                    hiddenNewBias.append(Array(bhh[(2 * h)...]))
                }
            }
            layers.append(RecurrentKernel.Layer(
                inputSize: l == 0 ? inputSize : spec.directions * h, inputWeights: inputWeights, inputBias: inputBias,
                hiddenWeights: hiddenWeights, hiddenNewBias: hiddenNewBias))
        }
        return RecurrentKernel(cell: cell, hiddenSize: h, directions: spec.directions, layers: layers)
    }
}
