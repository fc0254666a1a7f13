import Features
import Foundation
import Testing

@Suite("FeatureConfig")
struct FeatureConfigTests {
    @Test func defaultsAreTheTeamStandard() throws {
        let config = FeatureConfig()
        try config.validate()
        #expect(config.sampleRate == 16_000 && config.fftLength == 512 && config.windowLength == 400 && config.hopLength == 160)
        #expect(config.logFloor == 1e-10 && config.melScale == .slaney && config.melNormalization == .slaney)
        #expect(config.pitchMinFrequency == 50 && config.pitchMaxFrequency == 500 && config.pitchTroughThreshold == 0.1)
        #expect(config.resolvedMaxFrequency == 8000 && config.resolvedLPCOrder == 18 && config.resolvedFormantMaxFrequency == 5500)
    }

    @Test func roundTripsThroughJSON() throws {
        var config = FeatureConfig()
        config.melBandCount = 40
        config.melScale = .htk
        config.maxFrequency = 7000
        config.lpcOrder = 12
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(FeatureConfig.self, from: data) == config)
    }

    @Test func missingKeysTakeTheirDefaults() throws {
        #expect(try JSONDecoder().decode(FeatureConfig.self, from: Data("{}".utf8)) == FeatureConfig())
        let partial = try JSONDecoder().decode(FeatureConfig.self, from: Data(#"{"sampleRate": 8000, "melScale": "htk"}"#.utf8))
        var expected = FeatureConfig()
        expected.sampleRate = 8000
        expected.melScale = .htk
        #expect(partial == expected)
        #expect(partial.resolvedMaxFrequency == 4000 && partial.resolvedFormantMaxFrequency == 4000)
    }

    @Test func unknownEnumValuesAreRejected() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(FeatureConfig.self, from: Data(#"{"melScale": "bark"}"#.utf8))
        }
    }

    static let invalid: [(String, @Sendable (inout FeatureConfig) -> Void, FeatureConfigError)] = [
        ("window longer than FFT", { $0.windowLength = 1024 }, .windowLongerThanFFT(windowLength: 1024, fftLength: 512)),
        ("fmax above Nyquist", { $0.maxFrequency = 9000 }, .frequencyAboveNyquist(parameter: "maxFrequency", frequency: 9000, nyquist: 8000)),
        ("zero mel bands", { $0.melBandCount = 0 }, .nonPositive(parameter: "melBandCount", value: 0)),
        ("zero hop", { $0.hopLength = 0 }, .nonPositive(parameter: "hopLength", value: 0)),
        ("fmin above fmax", { $0.minFrequency = 5000; $0.maxFrequency = 4000 },
         .emptyFrequencyRange(parameter: "minFrequency/maxFrequency", low: 5000, high: 4000)),
        ("more MFCCs than bands", { $0.mfccCount = 65 }, .tooManyCoefficients(mfccCount: 65, melBandCount: 64)),
        ("even delta width", { $0.deltaWidth = 8 }, .invalidDeltaWidth(8)),
        ("pitch frame too short", { $0.pitchFrameLength = 256 }, .pitchFrameTooShort(pitchFrameLength: 256, longestPeriod: 320)),
        ("pitch fmax above Nyquist", { $0.pitchMaxFrequency = 9000 },
         .frequencyAboveNyquist(parameter: "pitchMaxFrequency", frequency: 9000, nyquist: 8000)),
        ("zero log floor", { $0.logFloor = 0 }, .nonPositive(parameter: "logFloor", value: 0)),
        ("roll-off fraction 1", { $0.rolloffFraction = 1 }, .outOfRange(parameter: "rolloffFraction", value: 1, range: "(0, 1)")),
    ]

    @Test(arguments: 0..<invalid.count)
    func invalidConfigsThrowADescriptiveError(index: Int) {
        let (label, change, expected) = Self.invalid[index]
        var config = FeatureConfig()
        change(&config)
        #expect(throws: expected, "\(label)") { try config.validate() }
        #expect(throws: expected) { _ = try FeatureExtractor(config: config) }
        #expect(!expected.description.isEmpty)
    }

    @Test func errorMessagesNameTheValues() {
        let message = FeatureConfigError.windowLongerThanFFT(windowLength: 1024, fftLength: 512).description
        #expect(message.contains("1024") && message.contains("512") && message.contains("windowLength"))
    }
}
