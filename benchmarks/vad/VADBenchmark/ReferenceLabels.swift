import Foundation

/// The reference rule: which 10 ms frames of a clean utterance are speech.
///
/// Frame energy is the mean power of the 400 samples (25 ms) centred on sample `160·t` (the
/// front-end's RMS framing). A frame is speech when its energy is above both
/// - the utterance's loudest frame − 35 dB, and
/// - the utterance's own floor + 10 dB, the floor being the quietest 50 ms (5-frame mean power):
///   EMO-DB and the Opus corpora have a room / codec background only 30-45 dB under the loudest
///   frame, which is not speech.
/// Gaps under 200 ms between speech frames are closed (stop closures, short pauses inside a phrase),
/// then runs under 50 ms are dropped.
enum ReferenceLabels {
    static let belowMaximumDecibels = 35.0, aboveFloorDecibels = 10.0
    static let closeGapFrames = 20, minimumRunFrames = 5

    static func speech(_ x: [Float]) -> [Bool] {
        let frames = 1 + x.count / 160
        let energy = (0..<frames).map { t -> Double in
            var sum = 0.0
            for i in max(0, t * 160 - 200)..<min(x.count, t * 160 + 200) { sum += Double(x[i]) * Double(x[i]) }
            return sum / 400
        }
        let db = energy.map(decibels)
        let floor = (0...max(0, frames - 5)).map { t in decibels(energy[t..<min(frames, t + 5)].reduce(0, +) / 5) }.min() ?? -200
        let threshold = max((db.max() ?? 0) - belowMaximumDecibels, floor + aboveFloorDecibels)
        var speech = db.map { $0 > threshold }
        closeGaps(&speech, shorterThan: closeGapFrames)
        dropRuns(&speech, shorterThan: minimumRunFrames)
        return speech
    }

    static func closeGaps(_ mask: inout [Bool], shorterThan limit: Int) {
        var lastSpeech = -1
        for t in mask.indices where mask[t] {
            if lastSpeech >= 0 && t - lastSpeech - 1 < limit { for u in (lastSpeech + 1)..<t { mask[u] = true } }
            lastSpeech = t
        }
    }

    static func dropRuns(_ mask: inout [Bool], shorterThan limit: Int) {
        var t = 0
        while t < mask.count {
            guard mask[t] else { t += 1; continue }
            var end = t
            while end < mask.count && mask[end] { end += 1 }
            if end - t < limit { for u in t..<end { mask[u] = false } }
            t = end
        }
    }
}
