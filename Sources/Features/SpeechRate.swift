/// Speech tempo from syllable nuclei, after de Jong & Wempe (2009, "Praat script to detect syllable
/// nuclei"): peaks of the intensity contour above (99th-percentile intensity −
/// `syllableSilenceThresholdDecibels`), followed by an intensity dip of at least
/// `syllableMinimumDipDecibels` before the next peak (or the end), and voiced at the peak.
///
/// Differences from the Praat script: intensity is the frame RMS in dB smoothed by a 5-frame
/// (50 ms at the default hop) triangular filter instead of Praat's Gaussian-window intensity, and the
/// last peak counts when a dip follows it (the script never counts the last peak).
public struct SpeechRate: Sendable, Equatable, Codable {
    /// Number of syllable nuclei found.
    public var syllableCount: Int
    /// Frame index of each nucleus.
    public var nucleusFrames: [Int]
    /// Length of the input, seconds.
    public var durationSeconds: Double
    /// Time covered by the voice-activity mask, seconds (de Jong & Wempe's "phonation time").
    public var speakingSeconds: Double
    /// Syllables per second of input ("speech rate").
    public var syllablesPerSecond: Double
    /// Syllables per second of speech activity ("articulation rate"); 0 with no activity.
    public var articulationRate: Double

    static func estimate(energyDecibels: [Float], voiced: [Bool], speech: [Bool], sampleCount: Int,
                         config: FeatureConfig) -> SpeechRate {
        let n = energyDecibels.count
        // Smooth with a [1 2 3 2 1]/9 triangle.
        let kernel: [Double] = [1, 2, 3, 2, 1].map { $0 / 9 }
        var intensity = [Double](repeating: 0, count: n)
        for t in 0..<n {
            var sum = 0.0, weight = 0.0
            for (i, w) in kernel.enumerated() {
                let s = t + i - 2
                if s >= 0 && s < n { sum += w * Double(energyDecibels[s]); weight += w }
            }
            intensity[t] = sum / weight
        }
        var nuclei: [Int] = []
        if n >= 3 {
            let loudLevel = Functionals.percentile(sorted: intensity.sorted(), 99)
            let threshold = loudLevel - config.syllableSilenceThresholdDecibels
            var peaks: [Int] = []
            for t in 1..<(n - 1) where intensity[t] > intensity[t - 1] && intensity[t] >= intensity[t + 1] && intensity[t] > threshold {
                peaks.append(t)
            }
            for (i, peak) in peaks.enumerated() {
                let end = i + 1 < peaks.count ? peaks[i + 1] : n - 1
                var dip = intensity[peak]
                if peak < end { for t in peak...end { dip = min(dip, intensity[t]) } }
                guard intensity[peak] - dip >= config.syllableMinimumDipDecibels else { continue }
                // Voiced at the peak (± 2 frames: the energy peak may sit a frame off the voicing).
                let voicedNearby = (max(0, peak - 2)...min(n - 1, peak + 2)).contains { voiced[$0] }
                if voicedNearby { nuclei.append(peak) }
            }
        }
        let duration = Double(sampleCount) / Double(config.sampleRate)
        let speaking = Double(speech.lazy.filter { $0 }.count) / config.frameRate
        return SpeechRate(
            syllableCount: nuclei.count, nucleusFrames: nuclei, durationSeconds: duration,
            speakingSeconds: min(speaking, duration),
            syllablesPerSecond: duration > 0 ? Double(nuclei.count) / duration : 0,
            articulationRate: speaking > 0 ? Double(nuclei.count) / min(speaking, duration) : 0)
    }
}
