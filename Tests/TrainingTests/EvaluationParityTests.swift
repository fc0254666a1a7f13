import NeuralNet
import Testing
@testable import Training

/// The trainer's evaluation-mode forward pass is the inference engine's function: same spec, same
/// parameters, outputs within 1e-4 of `Network.forward` for every example of a batch.
@Suite struct EvaluationParityTests {
    private func expectParity(_ spec: NetworkSpec, time: Int, seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let trainable = try TrainableNetwork(spec: spec, random: &random)
        for p in trainable.parameters where p.name.hasSuffix("running_var") { p.value = p.value.map { _ in 0.5 + random.nextUniform() } }
        for p in trainable.parameters where p.name.hasSuffix("running_mean") { p.value = p.value.map { _ in random.nextNormal() * 0.3 } }
        for p in trainable.parameters where p.name.hasSuffix(".bias") { p.value = p.value.map { _ in random.nextNormal() * 0.1 } }
        let shape = try trainable.inputShape(time: time)
        let batch = 3
        let input = BatchTensor(shape: shape, batch: batch, values: (0..<(batch * shape.count)).map { _ in random.nextNormal() })
        let output = trainable.forward(input, mode: .evaluation, random: &random)
        let network = try trainable.network()
        let workspace = Workspace()
        for b in 0..<batch {
            let reference = try network.forward(Tensor(shape: shape.dimensions, values: input.example(b)), workspace: workspace)
            let ours = output.example(b)
            #expect(reference.values.count == ours.count)
            let worst = zip(reference.values, ours).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-4, "example \(b): max difference \(worst)")
        }
    }

    @Test func convolutionalNetworkWithEveryCNNLayer() throws {
        try expectParity(NetworkSpec(inputShape: [1, 12, nil], layers: [
            .conv2d(ConvolutionSpec(outChannels: 4, kernelSize: [3, 3], stride: [1, 2], padding: [1, 1], dilation: [2, 1], bias: false)),
            .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool2d(PoolingSpec(kernelSize: [2, 2], padding: [1, 0])),
            .conv2d(ConvolutionSpec(outChannels: 5, kernelSize: [3, 3], padding: [1, 1])), .activation(.gelu),
            .batchNorm(BatchNormSpec()), .avgPool2d(PoolingSpec(kernelSize: [2, 1])), .activation(.silu),
            .dropout(probability: 0.3),
            .attentiveStatisticsPooling(AttentiveStatisticsPoolingSpec(attentionChannels: 6)),
            .dense(DenseSpec(outFeatures: 8)), .batchNorm(BatchNormSpec()), .activation(.leakyReLU(negativeSlope: 0.05)),
            .dense(DenseSpec(outFeatures: 4)), .activation(.elu(alpha: 0.5)), .dense(DenseSpec(outFeatures: 3)), .softmax,
        ]), time: 20, seed: 4)
    }

    @Test func convolutionalRecurrentNetwork() throws {
        try expectParity(NetworkSpec(inputShape: [6, nil], layers: [
            .conv1d(ConvolutionSpec(outChannels: 8, kernelSize: [5], stride: [1], padding: [2])), .batchNorm(BatchNormSpec()),
            .activation(.relu), .maxPool1d(PoolingSpec(kernelSize: [3], stride: [2], padding: [1])),
            .avgPool1d(PoolingSpec(kernelSize: [2])), .activation(.tanh),
            .toSequence, .lstm(RecurrentSpec(hiddenSize: 5, numLayers: 2, bidirectional: true)),
            .batchNorm(BatchNormSpec()), .gru(RecurrentSpec(hiddenSize: 4, numLayers: 2, bidirectional: true)),
            .dense(DenseSpec(outFeatures: 6)), .activation(.sigmoid),
            .statisticsPooling(StatisticsPoolingSpec()), .flatten, .dense(DenseSpec(outFeatures: 3)),
        ]), time: 23, seed: 5)
    }

    /// The shipped model's architecture (`Models/ser-cnn/1`): conv1d → BatchNorm → ReLU → max-pool
    /// blocks, which inference runs as one fused kernel each, then attentive pooling and a dense head.
    @Test func shippedTopology() throws {
        let spec = try NetworkSpec(json: Self.shippedSpec)
        for time in [try spec.minimumTime(), 29] {
            try expectParity(spec, time: time, seed: 6)
        }
    }

    /// The `network_spec` metadata of `Models/ser-cnn/1/model.safetensors`.
    static let shippedSpec = """
        {"input_shape":[67,null],"layers":[{"bias":false,"dilation":[1],"kernel_size":[5],"out_channels":96,"padding":[2],"stride":[1],"type":"conv1d"},{"eps":1e-05,"type":"batch_norm"},{"type":"relu"},{"kernel_size":[2],"padding":[0],"stride":[2],"type":"max_pool1d"},{"bias":false,"dilation":[1],"kernel_size":[5],"out_channels":128,"padding":[2],"stride":[1],"type":"conv1d"},{"eps":1e-05,"type":"batch_norm"},{"type":"relu"},{"kernel_size":[2],"padding":[0],"stride":[2],"type":"max_pool1d"},{"bias":false,"dilation":[2],"kernel_size":[3],"out_channels":128,"padding":[2],"stride":[1],"type":"conv1d"},{"eps":1e-05,"type":"batch_norm"},{"type":"relu"},{"bias":false,"dilation":[1],"kernel_size":[3],"out_channels":128,"padding":[1],"stride":[1],"type":"conv1d"},{"eps":1e-05,"type":"batch_norm"},{"type":"relu"},{"attention_channels":64,"eps":1e-05,"type":"attentive_statistics_pooling"},{"bias":false,"out_features":128,"type":"dense"},{"eps":1e-05,"type":"batch_norm"},{"type":"relu"},{"p":0.3,"type":"dropout"},{"bias":true,"out_features":7,"type":"dense"}]}
        """
}
