import NeuralNet
import Testing
@testable import Training

/// Finite-difference checks of every layer kind's backward pass, alone and in whole networks.
@Suite struct GradientCheckTests {
    let checker = GradientChecker()

    private func expectGradients(_ spec: NetworkSpec, time: Int, mode: ForwardMode = .training, seed: UInt64 = 1,
                                 _ comment: String) throws {
        let (mismatches, checked) = try checker.check(spec: spec, time: time, mode: mode, seed: seed)
        #expect(checked > 0)
        #expect(mismatches.isEmpty, "\(comment): \(mismatches.prefix(5))")
    }

    private func conv(_ out: Int, _ k: [Int], stride: [Int]? = nil, padding: [Int]? = nil, dilation: [Int]? = nil,
                      bias: Bool = true) -> ConvolutionSpec {
        ConvolutionSpec(outChannels: out, kernelSize: k, stride: stride, padding: padding, dilation: dilation, bias: bias)
    }

    @Test func conv2dWithStridePaddingDilation() throws {
        try expectGradients(NetworkSpec(inputShape: [2, 6, nil], layers: [
            .conv2d(conv(3, [3, 2], stride: [2, 1], padding: [1, 1], dilation: [1, 2])),
        ]), time: 7, "conv2d")
        try expectGradients(NetworkSpec(inputShape: [2, 5, nil], layers: [
            .conv2d(conv(2, [1, 1], bias: false)),
        ]), time: 4, "pointwise conv2d")
    }

    @Test func conv1dWithStridePaddingDilation() throws {
        try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [
            .conv1d(conv(4, [3], stride: [2], padding: [2], dilation: [2])),
        ]), time: 11, "conv1d")
    }

    @Test func batchNormInTrainingAndEvaluationModes() throws {
        for mode in [ForwardMode.training, .evaluation] {
            try expectGradients(NetworkSpec(inputShape: [3, 4, nil], layers: [.batchNorm(BatchNormSpec())]),
                                time: 5, mode: mode, "batch_norm planes \(mode)")
            try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.batchNorm(BatchNormSpec())]),
                                time: 6, mode: mode, "batch_norm channels \(mode)")
            try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.toSequence, .batchNorm(BatchNormSpec())]),
                                time: 6, mode: mode, "batch_norm sequence \(mode)")
            try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.statisticsPooling(StatisticsPoolingSpec()),
                                                                           .batchNorm(BatchNormSpec())]),
                                time: 4, mode: mode, "batch_norm vector \(mode)")
        }
    }

    @Test(arguments: [Activation.relu, .leakyReLU(negativeSlope: 0.1), .elu(alpha: 0.7), .gelu, .silu, .tanh, .sigmoid])
    func activation(_ activation: Activation) throws {
        // Seed 1 happens to put an input within 1e-3 of the ReLU kink; seed 3 does not.
        try expectGradients(NetworkSpec(inputShape: [2, 3, nil], layers: [.activation(activation)]), time: 5, seed: 3, "\(activation)")
    }

    @Test func pooling() throws {
        let p2 = PoolingSpec(kernelSize: [2, 3], stride: [2, 2], padding: [1, 1])
        let p1 = PoolingSpec(kernelSize: [3], stride: [2], padding: [1])
        try expectGradients(NetworkSpec(inputShape: [2, 5, nil], layers: [.maxPool2d(p2)]), time: 7, "max_pool2d")
        try expectGradients(NetworkSpec(inputShape: [2, 5, nil], layers: [.avgPool2d(p2)]), time: 7, "avg_pool2d")
        try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.maxPool1d(p1)]), time: 9, "max_pool1d")
        try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.avgPool1d(p1)]), time: 9, "avg_pool1d")
    }

    @Test func dropoutDenseFlattenSoftmax() throws {
        try expectGradients(NetworkSpec(inputShape: [2, 3, nil], layers: [.dropout(probability: 0.4), .flatten, .softmax]),
                            time: 4, "dropout + flatten + softmax")
        try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.statisticsPooling(StatisticsPoolingSpec()),
                                                                       .dense(DenseSpec(outFeatures: 4)), .softmax]),
                            time: 5, "dense + softmax")
        try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.toSequence, .dense(DenseSpec(outFeatures: 2, bias: false))]),
                            time: 5, "dense on a sequence")
    }

    @Test func statisticsPooling() throws {
        try expectGradients(NetworkSpec(inputShape: [2, 3, nil], layers: [.statisticsPooling(StatisticsPoolingSpec())]),
                            time: 6, "statistics pooling over planes")
        try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.toSequence, .statisticsPooling(StatisticsPoolingSpec())]),
                            time: 6, "statistics pooling over a sequence")
    }

    @Test func attentiveStatisticsPooling() throws {
        let spec = AttentiveStatisticsPoolingSpec(attentionChannels: 4)
        try expectGradients(NetworkSpec(inputShape: [3, nil], layers: [.attentiveStatisticsPooling(spec)]),
                            time: 6, "attentive pooling over channels")
        try expectGradients(NetworkSpec(inputShape: [2, 2, nil], layers: [.toSequence, .attentiveStatisticsPooling(spec)]),
                            time: 5, "attentive pooling over a sequence")
    }

    @Test func recurrent() throws {
        for bidirectional in [false, true] {
            let s = RecurrentSpec(hiddenSize: 3, numLayers: 2, bidirectional: bidirectional)
            try expectGradients(NetworkSpec(inputShape: [2, nil], layers: [.toSequence, .lstm(s)]), time: 4, "lstm bi=\(bidirectional)")
            try expectGradients(NetworkSpec(inputShape: [2, nil], layers: [.toSequence, .gru(s)]), time: 4, "gru bi=\(bidirectional)")
        }
    }

    @Test func wholeCNN() throws {
        try expectGradients(NetworkSpec(inputShape: [1, 8, nil], layers: [
            .conv2d(conv(3, [3, 3], padding: [1, 1], bias: false)), .batchNorm(BatchNormSpec()), .activation(.relu),
            .maxPool2d(PoolingSpec(kernelSize: [2, 2])),
            .conv2d(conv(4, [3, 3], padding: [1, 1])), .batchNorm(BatchNormSpec()), .activation(.relu),
            .attentiveStatisticsPooling(AttentiveStatisticsPoolingSpec(attentionChannels: 3)),
            .dense(DenseSpec(outFeatures: 5)), .activation(.relu), .dropout(probability: 0.2),
            .dense(DenseSpec(outFeatures: 3)),
        ]), time: 10, "CNN")
    }

    @Test func wholeCRNN() throws {
        try expectGradients(NetworkSpec(inputShape: [4, nil], layers: [
            .conv1d(conv(5, [3], padding: [1])), .batchNorm(BatchNormSpec()), .activation(.relu),
            .avgPool1d(PoolingSpec(kernelSize: [2])),
            .toSequence, .gru(RecurrentSpec(hiddenSize: 3, bidirectional: true)),
            .statisticsPooling(StatisticsPoolingSpec()),
            .dense(DenseSpec(outFeatures: 3)),
        ]), time: 9, "CRNN")
    }
}
