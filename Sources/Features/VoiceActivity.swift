/// A simple voice-activity mask from frame energy and YIN voicing.
///
/// 1. Noise floor: the 10th percentile of frame energy (dB) over the utterance; the threshold is
///    `floor + voiceActivityThresholdDecibels`.
/// 2. Seeds: frames above the threshold that are also periodic (YIN aperiodicity below
///    `voiceActivityAperiodicityThreshold`).
/// 3. Each contiguous run of above-threshold frames that contains a seed becomes speech, so
///    unvoiced consonants next to voiced sounds are kept while loud unvoiced noise alone is not.
/// 4. Hangover: each speech run is extended by `voiceActivityHangoverSeconds`.
///
/// Utterance-level by design (the noise floor is estimated from the whole input).
enum VoiceActivity {
    static func mask(energyDecibels: [Float], voiced: [Bool], thresholdDecibels: Double, hangoverFrames: Int) -> [Bool] {
        guard !energyDecibels.isEmpty else { return [] }
        return mask(energyDecibels: energyDecibels, voiced: voiced,
                    threshold: threshold(energyDecibels: energyDecibels, aboveFloor: thresholdDecibels), hangoverFrames: hangoverFrames)
    }

    /// The loudness threshold, dB: the 10th-percentile frame energy (the recording's noise floor) plus
    /// `aboveFloor`.
    static func threshold(energyDecibels: [Float], aboveFloor: Double) -> Double {
        Functionals.percentile(sorted: energyDecibels.map(Double.init).sorted(), 10) + aboveFloor
    }

    /// Steps 2-4 with a given threshold (e.g. one computed over a whole recording, applied to a window).
    static func mask(energyDecibels: [Float], voiced: [Bool], threshold: Double, hangoverFrames: Int) -> [Bool] {
        let n = energyDecibels.count
        precondition(voiced.count == n, "VoiceActivity: energy and voicing must have the same frame count")
        guard n > 0 else { return [] }
        let loud = energyDecibels.map { Double($0) > threshold }
        var speech = [Bool](repeating: false, count: n)
        var start = 0
        while start < n {
            guard loud[start] else { start += 1; continue }
            var end = start
            var hasSeed = false
            while end < n && loud[end] { hasSeed = hasSeed || voiced[end]; end += 1 }
            if hasSeed {
                for t in start..<min(n, end + hangoverFrames) { speech[t] = true }
            }
            start = end
        }
        return speech
    }
}
