/// Why a `FeatureConfig` cannot be used; each case names the offending values.
public enum FeatureConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case nonPositive(parameter: String, value: Double)
    case windowLongerThanFFT(windowLength: Int, fftLength: Int)
    case frequencyAboveNyquist(parameter: String, frequency: Double, nyquist: Double)
    case emptyFrequencyRange(parameter: String, low: Double, high: Double)
    case tooManyCoefficients(mfccCount: Int, melBandCount: Int)
    case invalidDeltaWidth(Int)
    case pitchFrameTooShort(pitchFrameLength: Int, longestPeriod: Double)
    case outOfRange(parameter: String, value: Double, range: String)

    public var description: String {
        switch self {
        case let .nonPositive(parameter, value):
            return "\(parameter) must be positive, got \(value)"
        case let .windowLongerThanFFT(window, fft):
            return "windowLength (\(window) samples) must not exceed fftLength (\(fft) samples)"
        case let .frequencyAboveNyquist(parameter, frequency, nyquist):
            return "\(parameter) (\(frequency) Hz) exceeds the Nyquist frequency (\(nyquist) Hz)"
        case let .emptyFrequencyRange(parameter, low, high):
            return "\(parameter): the lower frequency (\(low) Hz) must be below the upper one (\(high) Hz) and not negative"
        case let .tooManyCoefficients(mfcc, mels):
            return "mfccCount (\(mfcc)) must be between 1 and melBandCount (\(mels))"
        case let .invalidDeltaWidth(width):
            return "deltaWidth must be an odd number of frames ≥ 3, got \(width)"
        case let .pitchFrameTooShort(frame, period):
            return "pitchFrameLength (\(frame) samples) must exceed the longest pitch period (\(period) samples) + 1; raise it or pitchMinFrequency"
        case let .outOfRange(parameter, value, range):
            return "\(parameter) must be in \(range), got \(value)"
        }
    }
}

extension FeatureConfig {
    /// Checks every parameter, throwing the first problem found.
    public func validate() throws(FeatureConfigError) {
        let nyquist = Double(sampleRate) / 2
        for (name, value) in [("sampleRate", sampleRate), ("fftLength", fftLength), ("windowLength", windowLength),
                              ("hopLength", hopLength), ("melBandCount", melBandCount), ("chromaBinCount", chromaBinCount),
                              ("pitchFrameLength", pitchFrameLength), ("formantCount", formantCount)] where value <= 0 {
            throw .nonPositive(parameter: name, value: Double(value))
        }
        if windowLength < 2 { throw .outOfRange(parameter: "windowLength", value: Double(windowLength), range: "[2, fftLength]") }
        if windowLength > fftLength { throw .windowLongerThanFFT(windowLength: windowLength, fftLength: fftLength) }
        if !(logFloor > 0) || !logFloor.isFinite { throw .nonPositive(parameter: "logFloor", value: Double(logFloor)) }
        let maxMel = resolvedMaxFrequency
        if maxMel > nyquist { throw .frequencyAboveNyquist(parameter: "maxFrequency", frequency: maxMel, nyquist: nyquist) }
        if !(minFrequency >= 0 && minFrequency < maxMel) {
            throw .emptyFrequencyRange(parameter: "minFrequency/maxFrequency", low: minFrequency, high: maxMel)
        }
        if mfccCount < 1 || mfccCount > melBandCount { throw .tooManyCoefficients(mfccCount: mfccCount, melBandCount: melBandCount) }
        if !(mfccLifter >= 0) { throw .outOfRange(parameter: "mfccLifter", value: mfccLifter, range: "[0, ∞)") }
        if deltaWidth < 3 || deltaWidth % 2 == 0 { throw .invalidDeltaWidth(deltaWidth) }
        if pitchMaxFrequency > nyquist {
            throw .frequencyAboveNyquist(parameter: "pitchMaxFrequency", frequency: pitchMaxFrequency, nyquist: nyquist)
        }
        if !(pitchMinFrequency > 0 && pitchMinFrequency < pitchMaxFrequency) {
            throw .emptyFrequencyRange(parameter: "pitchMinFrequency/pitchMaxFrequency", low: pitchMinFrequency, high: pitchMaxFrequency)
        }
        let longestPeriod = Double(sampleRate) / pitchMinFrequency
        if longestPeriod >= Double(pitchFrameLength - 1) {
            throw .pitchFrameTooShort(pitchFrameLength: pitchFrameLength, longestPeriod: longestPeriod)
        }
        if !(pitchTroughThreshold > 0 && pitchTroughThreshold <= 1) {
            throw .outOfRange(parameter: "pitchTroughThreshold", value: pitchTroughThreshold, range: "(0, 1]")
        }
        if !chromaTuning.isFinite || abs(chromaTuning) > 0.5 {
            throw .outOfRange(parameter: "chromaTuning", value: chromaTuning, range: "[-0.5, 0.5] bins")
        }
        if !(rolloffFraction > 0 && rolloffFraction < 1) {
            throw .outOfRange(parameter: "rolloffFraction", value: rolloffFraction, range: "(0, 1)")
        }
        let order = resolvedLPCOrder
        if order < 2 * formantCount || order >= analysisFrameLength {
            throw .outOfRange(parameter: "lpcOrder", value: Double(order), range: "[2·formantCount, windowLength)")
        }
        if !(preEmphasisFrequency >= 0) { throw .outOfRange(parameter: "preEmphasisFrequency", value: preEmphasisFrequency, range: "[0, Nyquist)") }
        let formantCeiling = resolvedFormantMaxFrequency
        if formantCeiling > nyquist {
            throw .frequencyAboveNyquist(parameter: "formantMaxFrequency", frequency: formantCeiling, nyquist: nyquist)
        }
        if !(formantMinFrequency >= 0 && formantMinFrequency < formantCeiling) {
            throw .emptyFrequencyRange(parameter: "formantMinFrequency/formantMaxFrequency", low: formantMinFrequency, high: formantCeiling)
        }
        if !(formantMaxBandwidth > 0) { throw .nonPositive(parameter: "formantMaxBandwidth", value: formantMaxBandwidth) }
        if !(voiceActivityThresholdDecibels >= 0) {
            throw .outOfRange(parameter: "voiceActivityThresholdDecibels", value: voiceActivityThresholdDecibels, range: "[0, ∞)")
        }
        if !(voiceActivityAperiodicityThreshold > 0 && voiceActivityAperiodicityThreshold <= 1) {
            throw .outOfRange(parameter: "voiceActivityAperiodicityThreshold", value: voiceActivityAperiodicityThreshold, range: "(0, 1]")
        }
        if !(voiceActivityHangoverSeconds >= 0) {
            throw .outOfRange(parameter: "voiceActivityHangoverSeconds", value: voiceActivityHangoverSeconds, range: "[0, ∞)")
        }
        if !(syllableSilenceThresholdDecibels > 0) {
            throw .nonPositive(parameter: "syllableSilenceThresholdDecibels", value: syllableSilenceThresholdDecibels)
        }
        if !(syllableMinimumDipDecibels >= 0) {
            throw .outOfRange(parameter: "syllableMinimumDipDecibels", value: syllableMinimumDipDecibels, range: "[0, ∞)")
        }
    }
}
