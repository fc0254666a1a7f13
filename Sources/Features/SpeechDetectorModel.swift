/// The speech detector's classifier: a multilayer perceptron on the standardised feature vector of
/// `SpeechFeatureExtractor` (`featureCount` inputs, 8 ReLU hidden units, one output: the log-odds of
/// speech).
///
/// Trained offline by `benchmarks/vad` (`VADBenchmark train`) on the tuning half of the mixtures
/// (speech of the tuning speakers in white, pink, babble and hum noise, and the non-speech tracks);
/// the weights are pasted into `SpeechDetectorWeights.swift` from its output.
/// Cost: one eight-lane multiply-add per input and one more for the output, per frame.
public struct SpeechDetectorModel: Sendable, Equatable {
    public static let hiddenCount = 8
    /// Input standardisation: `z = (x − mean) / scale`, one per feature.
    public var mean: [Float]
    public var scale: [Float]
    /// `[featureCount][hiddenCount]`, row-major by input.
    public var hiddenWeights: [Float]
    public var hiddenBias: [Float]
    public var outputWeights: [Float]
    public var outputBias: Float

    public init(mean: [Float], scale: [Float], hiddenWeights: [Float], hiddenBias: [Float],
                outputWeights: [Float], outputBias: Float) {
        let n = SpeechFeatureExtractor.featureCount, h = Self.hiddenCount
        precondition(mean.count == n && scale.count == n && hiddenWeights.count == n * h
                     && hiddenBias.count == h && outputWeights.count == h, "SpeechDetectorModel: wrong sizes")
        self.mean = mean
        self.scale = scale
        self.hiddenWeights = hiddenWeights
        self.hiddenBias = hiddenBias
        self.outputWeights = outputWeights
        self.outputBias = outputBias
    }

    /// The log-odds of speech for one feature vector.
    @inline(__always)
    public func logit(_ features: UnsafeBufferPointer<Float>) -> Float {
        var hidden = SIMD8<Float>()
        hiddenBias.withUnsafeBufferPointer { b in hidden = SIMD8(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]) }
        mean.withUnsafeBufferPointer { m in
            scale.withUnsafeBufferPointer { s in
                hiddenWeights.withUnsafeBufferPointer { w in
                    let raw = UnsafeRawPointer(w.baseAddress!)
                    for i in 0..<features.count {
                        let z = (features[i] - m[i]) / s[i]
                        hidden += z * raw.loadUnaligned(fromByteOffset: 32 * i, as: SIMD8<Float>.self)
                    }
                }
            }
        }
        hidden.replace(with: 0, where: hidden .< 0)
        let v = outputWeights.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!).loadUnaligned(as: SIMD8<Float>.self) }
        return (hidden * v).sum() + outputBias
    }
}
