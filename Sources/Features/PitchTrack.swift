#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-frame YIN pitch: one entry per frame, frame `t` centred on sample `t · hopLength`.
public struct PitchTrack: Sendable, Equatable {
    /// YIN's fundamental-frequency estimate, Hz, for every frame (as librosa.yin returns it, also for
    /// unvoiced frames, where it is the global minimum's period and meaningless). Use `voiced`.
    public var frequencies: [Float]
    /// The cumulative mean normalised difference at the chosen period, in [0, ~1+]: 0 for a perfectly
    /// periodic frame, near 1 for noise.
    public var aperiodicity: [Float]
    /// Whether YIN found a trough below `pitchTroughThreshold` (so the estimate is a real period).
    public var voiced: [Bool]

    public init(frequencies: [Float], aperiodicity: [Float], voiced: [Bool]) {
        self.frequencies = frequencies
        self.aperiodicity = aperiodicity
        self.voiced = voiced
    }

    public var frameCount: Int { frequencies.count }

    /// Pitch contour statistics over the voiced frames (see `PitchStatistics`).
    public func statistics(framesPerSecond: Double) -> PitchStatistics {
        PitchStatistics(track: self, framesPerSecond: framesPerSecond)
    }
}

/// Utterance-level statistics of the voiced part of a pitch contour. All zero when no frame is voiced.
public struct PitchStatistics: Sendable, Equatable, Codable {
    /// Share of frames that are voiced, 0...1.
    public var voicedFraction: Double
    /// Mean, standard deviation (population), extremes and percentiles of F0 over voiced frames, Hz.
    public var meanHz: Double
    public var standardDeviationHz: Double
    public var minimumHz: Double
    public var maximumHz: Double
    public var percentile10Hz: Double
    public var medianHz: Double
    public var percentile90Hz: Double
    /// Robust pitch range, semitones: `12 · log2(p90 / p10)`.
    public var rangeSemitones: Double
    /// Least-squares slope of F0 against time over the voiced frames, Hz per second.
    public var slopeHzPerSecond: Double

    init(track: PitchTrack, framesPerSecond: Double) {
        let count = track.frequencies.count
        let voicedCount = track.voiced.lazy.filter { $0 }.count
        voicedFraction = count == 0 ? 0 : Double(voicedCount) / Double(count)
        let row = Functionals.statistics(of: track.frequencies, mask: track.voiced, framesPerSecond: framesPerSecond)
        meanHz = row.mean
        standardDeviationHz = row.standardDeviation
        minimumHz = row.minimum
        maximumHz = row.maximum
        percentile10Hz = row.percentile10
        medianHz = row.median
        percentile90Hz = row.percentile90
        rangeSemitones = row.percentile10 > 0 ? 12 * log2(row.percentile90 / row.percentile10) : 0
        slopeHzPerSecond = row.slopePerSecond
    }
}
