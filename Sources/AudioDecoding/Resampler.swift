import CSoxr

/// Band-limited sample-rate conversion with libsoxr (the SoX resampler): a linear-phase polyphase
/// filter whose pass band reaches ~91% of the lower Nyquist frequency, so 8 kHz telephone audio
/// upsampled to 16 kHz keeps its 0-3.6 kHz content and gains no images above 4 kHz.
public struct Resampler: Sendable {
    /// libsoxr quality recipes.
    public enum Quality: Sendable {
        /// 20-bit precision (SOXR_HQ): ~120 dB stop-band rejection; the right choice for features.
        case high
        /// 28-bit precision (SOXR_VHQ).
        case veryHigh
        /// 16-bit precision (SOXR_MQ): faster, for training-time augmentation.
        case medium

        var recipe: UInt {
            switch self {
            case .medium: 3   // SOXR_16_BITQ
            case .high: 4     // SOXR_20_BITQ (SOXR_HQ)
            case .veryHigh: 6 // SOXR_28_BITQ (SOXR_VHQ)
            }
        }
    }

    /// Input and output rates, Hz.
    public let inputRate: Int
    public let outputRate: Int
    public let quality: Quality

    public init(from inputRate: Int, to outputRate: Int, quality: Quality = .high) {
        precondition(inputRate > 0 && outputRate > 0, "Resampler rates must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.quality = quality
    }

    /// Number of output samples for `inputCount` input samples: `round(inputCount · out / in)`.
    public func outputCount(forInputCount inputCount: Int) -> Int {
        Int((Double(inputCount) * Double(outputRate) / Double(inputRate)).rounded())
    }

    /// Resamples one channel. The filter's delay is compensated by libsoxr, so sample `i` of the
    /// output is at time `i / outputRate` like sample `j` of the input is at `j / inputRate`.
    public func resample(_ input: [Float]) -> [Float] {
        if inputRate == outputRate || input.isEmpty { return input }
        let outputLength = outputCount(forInputCount: input.count)
        var output = [Float](repeating: 0, count: outputLength)
        var ioSpec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var qualitySpec = soxr_quality_spec(quality.recipe, 0)
        var inputDone = 0, outputDone = 0
        let error = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                soxr_oneshot(
                    Double(inputRate), Double(outputRate), 1,
                    source.baseAddress, input.count, &inputDone,
                    target.baseAddress, outputLength, &outputDone,
                    &ioSpec, &qualitySpec, nil)
            }
        }
        // soxr_oneshot fails only on invalid arguments or allocation failure, which the
        // preconditions above rule out; a failure here is a programming error.
        precondition(error == nil, "soxr_oneshot failed: \(String(cString: error!))")
        if outputDone < outputLength { output.removeLast(outputLength - outputDone) }
        return output
    }
}
