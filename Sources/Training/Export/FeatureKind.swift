import Features
import LinearAlgebra
/// Feature groups the `ser-train features` command exports; raw values are the CLI's `--kind` names.
public enum FeatureKind: String, CaseIterable, Sendable, Codable {
    /// `[melBandCount, frames]` log-mel, dB.
    case logmel
    /// `[mfccCount, frames]` MFCCs.
    case mfcc
    /// `[3, frames]`: YIN F0 (Hz), voiced flag (0/1), aperiodicity.
    case pitch
    /// `[2, frames]`: RMS (linear) and energy (dB).
    case energy
    /// `[1, frames]` zero-crossing rate.
    case zcr
    /// `[2·formantCount, frames]`: F1…Fn then B1…Bn, Hz (0 where not found).
    case formants
    /// `[chromaBinCount, frames]` chroma, 0...1.
    case chroma
    /// `[features, 8]` utterance statistics (see `FeatureExport.functionalsTable`).
    case functionals
}

/// File formats of `FeatureExport.render`; raw values are the CLI's `--format` names.
public enum ExportFormat: String, CaseIterable, Sendable, Codable {
    /// One line per column (frame or statistic): `time_s` (or `statistic`) then one value per row.
    case csv
    /// `{"kind", "rowNames", "frameTimes" | "statistics", "shape", "values": [[row]…]}`.
    case json
    /// NumPy `.npy` v1.0, `<f4`, C order, shape `(rows, columns)`.
    case npy

    /// Conventional file extension.
    public var fileExtension: String { rawValue }
}
