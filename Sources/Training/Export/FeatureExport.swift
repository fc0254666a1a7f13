import Features
import LinearAlgebra
import LinearAlgebra

/// Pure formatting of features for export (`ser-train features`): builds labelled tables from an
/// extractor and renders them as CSV, JSON or NumPy `.npy` bytes. No file or console I/O here.
public enum FeatureExport {
    /// The bytes of feature `kind` of `samples` in `format`.
    public static func render(kind: FeatureKind, format: ExportFormat, samples: [Float],
                              extractor: FeatureExtractor) -> [UInt8] {
        render(table(kind: kind, samples: samples, extractor: extractor), format: format)
    }

    public static func render(_ table: FeatureTable, format: ExportFormat) -> [UInt8] {
        switch format {
        case .csv: return csv(table)
        case .json: return json(table)
        case .npy: return NumPyFormat.encode(table.values)
        }
    }

    /// The labelled matrix of feature `kind`.
    public static func table(kind: FeatureKind, samples: [Float], extractor: FeatureExtractor) -> FeatureTable {
        let config = extractor.config
        let frames = FeatureTable.Columns.frames(times: config.frameTimes(frameCount: config.frameCount(sampleCount: samples.count)))
        switch kind {
        case .logmel:
            return FeatureTable(kind: kind, rowNames: (0..<config.melBandCount).map { "mel_\($0)" }, columns: frames,
                                values: extractor.logMel(samples))
        case .mfcc:
            return FeatureTable(kind: kind, rowNames: (0..<config.mfccCount).map { "mfcc_\($0)" }, columns: frames,
                                values: extractor.mfcc(samples))
        case .pitch:
            let pitch = extractor.pitch(samples)
            return FeatureTable(kind: kind, rowNames: ["f0_hz", "voiced", "aperiodicity"], columns: frames,
                                values: stack([pitch.frequencies, pitch.voiced.map { $0 ? 1 : 0 }, pitch.aperiodicity]))
        case .energy:
            let rms = extractor.rms(samples)
            return FeatureTable(kind: kind, rowNames: ["rms", "energy_db"], columns: frames,
                                values: stack([rms, extractor.energyDecibels(rms: rms)]))
        case .zcr:
            return FeatureTable(kind: kind, rowNames: ["zcr"], columns: frames, values: stack([extractor.zeroCrossingRate(samples)]))
        case .formants:
            let track = extractor.formants(samples)
            let names = (1...config.formantCount).map { "f\($0)_hz" } + (1...config.formantCount).map { "b\($0)_hz" }
            return FeatureTable(kind: kind, rowNames: names, columns: frames,
                                values: Matrix(rows: names.count, columns: track.frequencies.columns,
                                               values: track.frequencies.values + track.bandwidths.values))
        case .chroma:
            let names = config.chromaBinCount == 12
                ? ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
                : (0..<config.chromaBinCount).map { "chroma_\($0)" }
            return FeatureTable(kind: kind, rowNames: names, columns: frames, values: extractor.chroma(samples))
        case .functionals:
            return functionalsTable(extractor.analyze(samples), extractor: extractor)
        }
    }

    /// Utterance statistics of the standard frame features: MFCCs and their deltas, energy (dB),
    /// zero-crossing rate, spectral centroid / flatness / roll-off over all frames; F0, aperiodicity
    /// and formant frequencies over voiced frames only (zeros when none is voiced).
    public static func functionalsTable(_ features: FeatureSet, extractor: FeatureExtractor) -> FeatureTable {
        let config = extractor.config
        var names: [String] = []
        var rows: [Float] = []
        func append(_ name: String, _ matrix: Matrix, mask: [Bool]? = nil) {
            names.append(name)
            rows += extractor.functionals(matrix, mask: mask).values
        }
        func track(_ values: [Float]) -> Matrix { Matrix(rows: 1, columns: values.count, values: values) }
        for i in 0..<config.mfccCount { append("mfcc_\(i)", track(features.mfcc.row(i))) }
        for i in 0..<config.mfccCount { append("mfcc_delta_\(i)", track(features.mfccDelta.row(i))) }
        append("energy_db", track(features.energyDecibels))
        append("zcr", track(features.zeroCrossingRate))
        append("spectral_centroid_hz", track(features.spectralShape.centroid))
        append("spectral_flatness", track(features.spectralShape.flatness))
        append("spectral_rolloff_hz", track(features.spectralShape.rolloff))
        append("f0_hz", track(features.pitch.frequencies), mask: features.pitch.voiced)
        append("aperiodicity", track(features.pitch.aperiodicity), mask: features.pitch.voiced)
        if let formants = features.formants {
            for i in 0..<config.formantCount {
                append("f\(i + 1)_hz", track(formants.frequencies.row(i)), mask: features.pitch.voiced)
            }
        }
        return FeatureTable(kind: .functionals, rowNames: names, columns: .statistics(names: Functionals.statisticNames),
                            values: Matrix(rows: names.count, columns: Functionals.statisticNames.count, values: rows))
    }

    // MARK: Text formats

    /// One line per column: a header `time_s,<row names>` (`statistic,…` for functionals), then the
    /// column label and the values. Non-finite values are written `nan`, `inf`, `-inf`.
    public static func csv(_ table: FeatureTable) -> [UInt8] {
        var text = ""
        let labels: [String]
        switch table.columns {
        case let .frames(times):
            text += "time_s"
            labels = times.map { "\($0)" }
        case let .statistics(names):
            text += "statistic"
            labels = names
        }
        for name in table.rowNames { text += "," + csvField(name) }
        text += "\n"
        for (c, label) in labels.enumerated() {
            text += csvField(label)
            for r in 0..<table.values.rows { text += "," + number(table.values[r, c], nonFinite: "nan") }
            text += "\n"
        }
        return Array(text.utf8)
    }

    /// A JSON object with the row names, column labels, shape and row-major values. Non-finite values
    /// (never produced by the extractor, but possible in a hand-made table) become `null`.
    public static func json(_ table: FeatureTable) -> [UInt8] {
        var text = "{\"kind\":\"\(table.kind.rawValue)\",\"rowNames\":["
        text += table.rowNames.map(jsonString).joined(separator: ",")
        text += "],"
        switch table.columns {
        case let .frames(times): text += "\"frameTimes\":[" + times.map { "\($0)" }.joined(separator: ",") + "],"
        case let .statistics(names): text += "\"statistics\":[" + names.map(jsonString).joined(separator: ",") + "],"
        }
        text += "\"shape\":[\(table.values.rows),\(table.values.columns)],\"values\":["
        for r in 0..<table.values.rows {
            if r > 0 { text += "," }
            text += "["
            for c in 0..<table.values.columns {
                if c > 0 { text += "," }
                text += number(table.values[r, c], nonFinite: "null")
            }
            text += "]"
        }
        text += "]}\n"
        return Array(text.utf8)
    }

    /// Shortest representation that reads back to the same Float.
    private static func number(_ value: Float, nonFinite: String) -> String {
        if value.isFinite { return "\(value)" }
        if nonFinite == "null" { return "null" }
        return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    private static func jsonString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    private static func stack(_ rows: [[Float]]) -> Matrix {
        Matrix(rows: rows.count, columns: rows.first?.count ?? 0, values: rows.flatMap { $0 })
    }
}
