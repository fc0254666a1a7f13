import Foundation

/// Synthetic hold music: a four-chord progression in a random key (I-V-vi-IV or vi-IV-I-V), one chord
/// per bar of four beats at 70-130 bpm; each beat restrikes the chord (three notes, piano-like partials
/// with 1/k amplitudes and an exponential decay of 0.25-0.9 s) with a bass note on beats 1 and 3 and,
/// in two tracks out of three, a melody note per beat (pentatonic, single harmonic series: the most
/// voice-like part).
enum HoldMusic {
    static let rate = 16_000.0

    static func make(count: Int, random: inout SeededRandom) -> [Float] {
        var x = [Float](repeating: 0, count: count)
        let key = 48 + Int(random.next() % 12)  // MIDI note of the tonic, C3-B3
        let progression = random.uniform(0, 1) < 0.5 ? [0, 7, 9, 5] : [9, 5, 0, 7]
        let beat = 60 / random.uniform(70, 130), decay = random.uniform(0.25, 0.9)
        let melody = random.uniform(0, 1) < 0.67
        let pentatonic = [0, 2, 4, 7, 9, 12, 14, 16]
        var b = 0
        while Double(b) * beat * rate < Double(count) {
            let root = key + progression[(b / 4) % 4]
            let minor = progression[(b / 4) % 4] == 9
            let start = Int(Double(b) * beat * rate), accent = b % 4 == 0 ? 1.0 : random.uniform(0.5, 0.8)
            for interval in [0, minor ? 3 : 4, 7] { addNote(root + interval + 12, amplitude: accent, start: start, decay: decay, into: &x) }
            if b % 2 == 0 { addNote(root - 12, amplitude: 1.2 * accent, start: start, decay: 2 * decay, into: &x) }
            if melody { addNote(key + 24 + pentatonic[Int(random.next() % 8)], amplitude: 1.5, start: start, decay: decay, into: &x) }
            b += 1
        }
        return x
    }

    /// One note: 8 partials of 1/k amplitude (slightly stretched, as a piano), 5 ms attack, exponential
    /// decay, lasting 4 time constants.
    static func addNote(_ midi: Int, amplitude: Double, start: Int, decay: Double, into x: inout [Float]) {
        let f0 = 440 * pow(2, Double(midi - 69) / 12)
        let length = min(x.count - start, Int(4 * decay * rate))
        guard length > 0 else { return }
        for k in 1...8 where Double(k) * f0 < 3800 {
            let f = Double(k) * f0 * (1 + 0.0004 * Double(k * k)), a = amplitude / Double(k)
            for i in 0..<length {
                let t = Double(i) / rate
                let envelope = min(1, t / 0.005) * exp(-t / decay * (1 + 0.3 * Double(k - 1)))
                x[start + i] += Float(a * envelope * sin(2 * Double.pi * f * t))
            }
        }
    }
}
