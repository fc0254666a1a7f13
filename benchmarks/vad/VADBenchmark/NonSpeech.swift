import Foundation

/// Tracks with no speech at all, as heard on calls.
enum NonSpeechKind: String, CaseIterable {
    case dtmf, ringback, busy, music, comfortNoise = "comfort-noise"
}

enum NonSpeech {
    static let rate = 16_000.0

    /// `seconds` of `kind` at a random level (−35 to −10 dBFS mean power while on), over a low white
    /// noise floor (−75 dBFS) except for comfort noise, which starts from digital silence.
    static func make(_ kind: NonSpeechKind, seconds: Double, random: inout SeededRandom) -> [Float] {
        let n = Int(seconds * rate)
        var x: [Float]
        switch kind {
        case .dtmf: x = dtmf(count: n, random: &random)
        case .ringback: x = cadence(count: n, tones: [440, 480], on: 2, off: 4, random: &random)
        case .busy: x = cadence(count: n, tones: [480, 620], on: 0.5, off: 0.5, random: &random)
        case .music: x = HoldMusic.make(count: n, random: &random)
        case .comfortNoise: return comfortNoise(count: n, random: &random)
        }
        let level = pow(10, random.uniform(-35, -10) / 10)
        let onPower = meanPower(x.filter { $0 != 0 })
        let gain = Float((level / max(1e-30, onPower)).squareRoot())
        // Half the tone tracks have digital silence between the tones (VoIP), the rest a −75 dBFS floor.
        let floor = kind != .music && random.uniform(0, 1) < 0.5 ? 0 : pow(10, -75.0 / 20)
        for i in x.indices { x[i] = x[i] * gain + Float(floor * random.gaussian()) }
        return x
    }

    static func tone(_ frequencies: [Double], at i: Int, phase: Double = 0) -> Float {
        let t = Double(i) / rate
        return Float(frequencies.reduce(0) { $0 + sin(2 * Double.pi * $1 * t + phase) })
    }

    /// Keyed digits: 65-150 ms tones, 60-200 ms apart, in bursts of 4-12, bursts 1-4 s apart.
    static func dtmf(count: Int, random: inout SeededRandom) -> [Float] {
        let rows = [697.0, 770, 852, 941], columns = [1209.0, 1336, 1477, 1633]
        var x = [Float](repeating: 0, count: count)
        var position = Int(random.uniform(0.2, 1.5) * rate)
        while position < count {
            for _ in 0..<Int(random.uniform(4, 13)) {
                let pair = [rows[Int(random.next() % 4)], columns[Int(random.next() % 4)]]
                let length = Int(random.uniform(0.065, 0.15) * rate)
                for i in position..<max(position, min(count, position + length)) { x[i] = tone(pair, at: i) }
                position += length + Int(random.uniform(0.06, 0.2) * rate)
            }
            position += Int(random.uniform(1, 4) * rate)
        }
        return x
    }

    /// Two tones switched on for `on` s and off for `off` s, from a random point of the cadence.
    static func cadence(count: Int, tones: [Double], on: Double, off: Double, random: inout SeededRandom) -> [Float] {
        let period = Int((on + off) * rate), onSamples = Int(on * rate)
        let offset = Int(random.uniform(0, Double(period)))
        return (0..<count).map { i in (i + offset) % period < onSamples ? tone(tones, at: i) : 0 }
    }

    /// Comfort noise of a silence-suppressed call: digital silence, then low noise (−70 to −50 dBFS)
    /// whose level and tilt change every 0.3-2 s (new SID frames), with returns to silence.
    static func comfortNoise(count: Int, random: inout SeededRandom) -> [Float] {
        var x = [Float](repeating: 0, count: count)
        var position = Int(random.uniform(0.3, 2) * rate)
        var previous = 0.0
        while position < count {
            let length = Int(random.uniform(0.3, 2) * rate)
            if random.uniform(0, 1) < 0.1 { position += length; continue }  // back to silence
            let level = pow(10, random.uniform(-70, -50) / 20), tilt = random.uniform(0, 0.9)
            for i in position..<min(count, position + length) {
                let w = random.gaussian()
                previous = tilt * previous + (1 - tilt) * w  // one-pole low-pass: 0 = white
                x[i] = Float(level * previous / (1 - tilt) * (1 - tilt * tilt).squareRoot())
            }
            position += length
        }
        return x
    }
}
