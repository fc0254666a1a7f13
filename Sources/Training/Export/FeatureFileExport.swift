import AudioDecoding
import Features
import LinearAlgebra

/// `ser-train features` as a library call: audio file bytes → decoded (any format the service
/// accepts, any rate) → resampled to the configuration's rate → mixed to mono → one feature kind
/// rendered by `FeatureExport` as CSV, JSON or `.npy` bytes.
public struct FeatureFileExport {
    public let extractor: FeatureExtractor
    let decoder = AudioDecoder(limits: AudioLimits(maxDurationSeconds: 3600))

    /// Throws when `config` is invalid.
    public init(config: FeatureConfig = FeatureConfig()) throws(FeatureConfigError) {
        extractor = try FeatureExtractor(config: config, fftPlanning: .estimate)
    }

    /// Mono samples of `bytes` at the extractor's rate.
    public func samples(of bytes: [UInt8]) throws(AudioDecodingError) -> [Float] {
        try decoder.decode(bytes, resamplingTo: extractor.config.sampleRate).mixdown()
    }

    /// The rendered features of one audio file.
    public func export(_ bytes: [UInt8], kind: FeatureKind, format: ExportFormat) throws(AudioDecodingError) -> [UInt8] {
        FeatureExport.render(kind: kind, format: format, samples: try samples(of: bytes), extractor: extractor)
    }

    /// The output file name for `inputPath` when exporting to a directory: `<stem>.<kind>.<ext>`.
    public static func outputName(for inputPath: String, kind: FeatureKind, format: ExportFormat) -> String {
        let name = inputPath.split(separator: "/").last.map(String.init) ?? inputPath
        let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
        return "\(stem).\(kind.rawValue).\(format.fileExtension)"
    }
}
