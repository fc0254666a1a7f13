import Foundation
import Testing
@testable import NeuralNet

@Suite struct NetworkSpecTests {
    /// The benchmark-style SER CNN: 4 conv blocks, statistics pooling, two dense layers.
    static let cnn = NetworkSpec(inputShape: [1, 64, nil], layers: [
        .conv2d(ConvolutionSpec(outChannels: 32, kernelSize: [3, 3], padding: [1, 1], bias: false)),
        .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool2d(PoolingSpec(kernelSize: [2, 2])),
        .conv2d(ConvolutionSpec(outChannels: 64, kernelSize: [3, 3], padding: [1, 1], bias: false)),
        .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool2d(PoolingSpec(kernelSize: [2, 1])),
        .statisticsPooling(StatisticsPoolingSpec()),
        .dense(DenseSpec(outFeatures: 7)), .softmax,
    ])

    @Test func jsonRoundTrip() throws {
        let json = Self.cnn.jsonString()
        #expect(json.contains("\"type\":\"conv2d\""))
        #expect(json.contains("\"input_shape\":[1,64,null]"))
        #expect(try NetworkSpec(json: json) == Self.cnn)
    }

    @Test func decodesPyTorchStyleShorthand() throws {
        let spec = try NetworkSpec(json: """
            {"input_shape": [1, 40, null], "layers": [
              {"type": "conv2d", "out_channels": 4, "kernel_size": 3, "padding": 1},
              {"type": "leaky_relu", "negative_slope": 0.2}, {"type": "elu"}, {"type": "dropout"},
              {"type": "max_pool2d", "kernel_size": [2, 1]},
              {"type": "to_sequence"}, {"type": "gru", "hidden_size": 8, "bidirectional": true},
              {"type": "statistics_pooling"}, {"type": "dense", "out_features": 3}]}
            """)
        #expect(spec.layers[0] == .conv2d(ConvolutionSpec(outChannels: 4, kernelSize: [3, 3], stride: [1, 1],
                                                          padding: [1, 1], dilation: [1, 1], bias: true)))
        #expect(spec.layers[1] == .activation(.leakyReLU(negativeSlope: 0.2)))
        #expect(spec.layers[2] == .activation(.elu(alpha: 1)))
        #expect(spec.layers[3] == .dropout(probability: 0.5))
        #expect(spec.layers[4] == .maxPool2d(PoolingSpec(kernelSize: [2, 1], stride: [2, 1], padding: [0, 0])))
        #expect(try spec.shapes(time: 10).last == .vector(features: 3))
        #expect(try spec.shapes(time: 10)[7] == .sequence(time: 10, features: 16))
        #expect(try NetworkSpec(json: spec.jsonString()) == spec)
    }

    @Test func unknownLayerTypeIsRejected() {
        #expect(throws: NetworkError.self) {
            try NetworkSpec(json: "{\"input_shape\": [1, 4, null], \"layers\": [{\"type\": \"transformer\"}]}")
        }
    }

    @Test func shapeInference() throws {
        let shapes = try Self.cnn.shapes(time: 300)
        #expect(shapes[1] == .planes(channels: 32, height: 64, width: 300))
        #expect(shapes[4] == .planes(channels: 32, height: 32, width: 150))
        #expect(shapes[8] == .planes(channels: 64, height: 16, width: 150))
        #expect(shapes[9] == .vector(features: 2 * 64 * 16))
        #expect(shapes.last == .vector(features: 7))
    }

    @Test func parameterNamesAndShapesFollowPyTorch() throws {
        let parameters = try Self.cnn.parameterShapes()
        #expect(parameters.map(\.name) == [
            "layers.0.weight",
            "layers.1.weight", "layers.1.bias", "layers.1.running_mean", "layers.1.running_var",
            "layers.4.weight",
            "layers.5.weight", "layers.5.bias", "layers.5.running_mean", "layers.5.running_var",
            "layers.9.weight", "layers.9.bias",
        ])
        #expect(parameters[0].shape == [32, 1, 3, 3])
        #expect(parameters[5].shape == [64, 32, 3, 3])
        #expect(parameters[10].shape == [7, 2048])

        let lstm = NetworkSpec(inputShape: [5, nil], layers: [
            .toSequence, .lstm(RecurrentSpec(hiddenSize: 6, numLayers: 2, bidirectional: true)),
        ])
        let recurrent = try lstm.parameterShapes()
        #expect(recurrent.map(\.name).prefix(5) == [
            "layers.1.weight_ih_l0", "layers.1.weight_hh_l0", "layers.1.bias_ih_l0", "layers.1.bias_hh_l0",
            "layers.1.weight_ih_l0_reverse",
        ])
        #expect(recurrent[0].shape == [24, 5])
        #expect(recurrent[1].shape == [24, 6])
        #expect(recurrent[8].shape == [24, 12])  // layer 1 reads both directions
        #expect(recurrent.count == 16)
    }

    @Test func minimumTime() throws {
        #expect(try Self.cnn.minimumTime() == 2)  // one 2×2 pool over time
        let conv1d = NetworkSpec(inputShape: [3, nil], layers: [.conv1d(ConvolutionSpec(outChannels: 2, kernelSize: [5], dilation: [2]))])
        #expect(try conv1d.minimumTime() == 9)
        #expect(throws: NetworkError.inputTooShort(time: 8, minimum: 9)) { try conv1d.shapes(time: 8) }
    }

    @Test func inconsistentSpecsAreRejected() {
        let invalid: [NetworkSpec] = [
            NetworkSpec(inputShape: [1, 64], layers: []),  // no time axis
            NetworkSpec(inputShape: [1, 64, 100], layers: []),  // time must be null
            NetworkSpec(inputShape: [0, 64, nil], layers: []),
            NetworkSpec(inputShape: [1, 64, nil], layers: [.conv1d(ConvolutionSpec(outChannels: 2, kernelSize: [3]))]),
            NetworkSpec(inputShape: [1, 64, nil], layers: [.dense(DenseSpec(outFeatures: 3))]),  // needs pooling first
            NetworkSpec(inputShape: [1, 64, nil], layers: [.lstm(RecurrentSpec(hiddenSize: 3))]),  // needs to_sequence
            NetworkSpec(inputShape: [1, 2, nil], layers: [.conv2d(ConvolutionSpec(outChannels: 2, kernelSize: [5, 1]))]),
            NetworkSpec(inputShape: [1, 8, nil], layers: [.maxPool2d(PoolingSpec(kernelSize: [2, 2], padding: [2, 0]))]),
            NetworkSpec(inputShape: [1, 8, nil], layers: [.conv2d(ConvolutionSpec(outChannels: 2, kernelSize: [3, 3], stride: [0, 1]))]),
            NetworkSpec(inputShape: [2, nil], layers: [.flatten, .dense(DenseSpec(outFeatures: 2))]),  // weights over time
            NetworkSpec(inputShape: [2, nil], layers: [.statisticsPooling(StatisticsPoolingSpec()), .statisticsPooling(StatisticsPoolingSpec())]),
        ]
        for spec in invalid {
            #expect(throws: NetworkError.self, "\(spec.inputShape) \(spec.layers)") { try spec.parameterShapes() }
        }
    }
}
