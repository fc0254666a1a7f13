extension SpeechDetectorModel {
    /// Placeholder until trained: speech when the band SNR and harmonicity are high and the tonality
    /// and steadiness low (one hidden unit used).
    public static let standard = SpeechDetectorModel(
        mean: [Float](repeating: 0, count: SpeechFeatureExtractor.featureCount),
        scale: [Float](repeating: 1, count: SpeechFeatureExtractor.featureCount),
        hiddenWeights: (0..<SpeechFeatureExtractor.featureCount).flatMap { i -> [Float] in
            let w: [Float] = [1, 0, 0, 3, -4, -3, 0, 0, 0, 0, 0, 0, 0, 0]
            return [w[i], 0, 0, 0, 0, 0, 0, 0]
        },
        hiddenBias: [0, 0, 0, 0, 0, 0, 0, 0],
        outputWeights: [1, 0, 0, 0, 0, 0, 0, 0],
        outputBias: -0.5)
}
