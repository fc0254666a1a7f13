import Foundation
import NeuralNet
import Testing
@testable import Training

@Suite struct TrainingConfigTests {
    @Test func emptyConfigIsTheDefaultAndValid() throws {
        let config = try TrainingConfig.decode(Data("{}".utf8), yaml: false)
        #expect(config == TrainingConfig())
        try config.validate()
        #expect(config.networkSpec.inputShape == [67, nil])
        #expect(config.windowFrames == 601 && config.cropFrames == 301)
    }

    @Test func defaultConfigRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(TrainingConfig())
        #expect(try TrainingConfig.decode(data, yaml: false) == TrainingConfig())
    }

    @Test func yamlGivesTheSameConfigAsJSON() throws {
        let yaml = """
            # a comment
            name: my-model
            epochs: 12          # fewer
            learning_rate: 0.001
            features: [log_mel, energy]
            optimizer: "adam"
            feature_config:
              melBandCount: 40
            layers:
              - type: conv1d
                out_channels: 16
                kernel_size: 3
              - {type: relu}
              - type: statistics_pooling
              - type: dense
                out_features: 7
            """
        let json = """
            {"name": "my-model", "epochs": 12, "learning_rate": 0.001, "features": ["log_mel", "energy"], "optimizer": "adam",
             "feature_config": {"melBandCount": 40},
             "layers": [{"type": "conv1d", "out_channels": 16, "kernel_size": 3}, {"type": "relu"},
                        {"type": "statistics_pooling"}, {"type": "dense", "out_features": 7}]}
            """
        let fromYAML = try TrainingConfig.decode(Data(yaml.utf8), yaml: true)
        let fromJSON = try TrainingConfig.decode(Data(json.utf8), yaml: false)
        #expect(fromYAML == fromJSON)
        #expect(fromYAML.epochs == 12 && fromYAML.optimizer == .adam && fromYAML.layers.count == 4)
        #expect(fromYAML.batchSize == TrainingConfig().batchSize)
    }

    @Test func validationRejectsAWrongOutputWidth() {
        var config = TrainingConfig()
        config.layers = TrainingConfig.defaultLayers(labels: 5)
        #expect(throws: TrainingError.self) { try config.validate() }
    }

    @Test func heldOutCorpusAndClassMaskingKeys() throws {
        #expect(TrainingConfig().heldOutCorpus == nil && TrainingConfig().maskMissingClasses)
        let json = #"{"held_out_corpus": "TESS", "mask_missing_classes": false, "validation_ua": "corpus_mean", "corpus_balance": 0.5}"#
        let config = try TrainingConfig.decode(Data(json.utf8), yaml: false)
        #expect(config.heldOutCorpus == "tess" && !config.maskMissingClasses)
        #expect(config.validationUA == .corpusMean && config.corpusBalance == 0.5)
        #expect(try TrainingConfig.decode(JSONEncoder().encode(config), yaml: false) == config)
        var empty = TrainingConfig()
        empty.heldOutCorpus = ""
        #expect(throws: TrainingError.self) { try empty.validate() }
        var unbalanced = TrainingConfig()
        unbalanced.corpusBalance = 1.5
        #expect(throws: TrainingError.self) { try unbalanced.validate() }
    }
}
