import Features
import Foundation

/// CPU time of `SpeechDetector` per second of audio, one thread: the best of 7 runs over 60 s of
/// speech-like noise (white noise with a 4 Hz on/off envelope and a harmonic component).
enum Cost {
    static func threadSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// The measured signal: white noise with a 4 Hz on/off envelope and a harmonic component (seed 42).
    static func signal(seconds: Double) -> [Float] {
        var random = SeededRandom(seed: 42)
        return (0..<Int(seconds * 16_000)).map { i -> Float in
            let t = Double(i) / 16_000
            let envelope = sin(2 * Double.pi * 4 * t) > 0 ? 0.3 : 0.01
            return Float(envelope * (0.3 * random.gaussian() + sin(2 * Double.pi * 150 * t) + 0.5 * sin(2 * Double.pi * 300 * t)))
        }
    }

    /// Only the detector, `runs` times over 60 s (for a profiler: `perf record VADBenchmark profile`).
    static func profile(configuration: SpeechDetectorConfiguration, runs: Int) {
        let x = signal(seconds: 60)
        let start = threadSeconds()
        var speech = 0
        for _ in 0..<runs { speech += SpeechDetector.detect(x, configuration: configuration).filter { $0 }.count }
        print(String(format: "%.1f µs CPU per audio second (mean of %d runs); %d speech frames", 1e6 * (threadSeconds() - start) / (60 * Double(runs)), runs, speech))
    }

    static func run(configuration: SpeechDetectorConfiguration, runs: Int = 7) {
        let seconds = 60.0
        let x = signal(seconds: seconds)
        // Making a detector (what every request and stream does per channel), after the first.
        _ = SpeechDetector(configuration: configuration)
        var bestCreation = Double.infinity
        for _ in 0..<runs {
            let start = threadSeconds()
            for _ in 0..<100 { _ = SpeechDetector(configuration: configuration) }
            bestCreation = min(bestCreation, (threadSeconds() - start) / 100)
        }
        var best = Double.infinity, speech = 0
        for _ in 0..<runs {
            let start = threadSeconds()
            let decisions = SpeechDetector.detect(x, configuration: configuration)
            best = min(best, threadSeconds() - start)
            speech = decisions.filter { $0 }.count
        }
        // Streaming in 20 ms blocks, as a live call would push.
        var bestStreaming = Double.infinity
        for _ in 0..<runs {
            let detector = SpeechDetector(configuration: configuration)
            var decisions: [Bool] = []
            decisions.reserveCapacity(x.count / 160 + 1)
            let start = threadSeconds()
            x.withUnsafeBufferPointer { all in
                var i = 0
                while i < all.count {
                    detector.push(UnsafeBufferPointer(rebasing: all[i..<min(all.count, i + 320)]), into: &decisions)
                    i += 320
                }
            }
            detector.finish(into: &decisions)
            bestStreaming = min(bestStreaming, threadSeconds() - start)
        }
        // A live stream: each 20 ms block arrives in a small buffer already in cache (the first second
        // of the signal, reused), so the input is not streamed from memory.
        var bestHot = Double.infinity
        let blocks = (0..<50).map { Array(x[($0 * 320)..<($0 * 320 + 320)]) }
        for _ in 0..<runs {
            let detector = SpeechDetector(configuration: configuration)
            var decisions: [Bool] = []
            decisions.reserveCapacity(x.count / 160 + 1)
            let start = threadSeconds()
            for i in 0..<(x.count / 320) { blocks[i % 50].withUnsafeBufferPointer { detector.push($0, into: &decisions) } }
            bestHot = min(bestHot, threadSeconds() - start)
        }
        // The old rule (frame energy + YIN voicing over the whole recording), for comparison.
        var bestOld = Double.infinity
        if let extractor = try? FeatureExtractor(config: FeatureConfig()) {
            for _ in 0..<min(runs, 3) {
                let start = threadSeconds()
                _ = extractor.voiceActivity(x)
                bestOld = min(bestOld, threadSeconds() - start)
            }
        }
        print(String(format: "old VoiceActivity rule: %.1f µs CPU per audio second", 1e6 * bestOld / seconds))
        print(String(format: "making a detector: %.1f µs CPU (priming %d samples)", 1e6 * bestCreation, configuration.primingSamples))
        print(String(format: "cost: %.1f µs CPU per audio second (whole array), %.1f µs (20 ms pushes), %.1f µs (20 ms pushes from a cached buffer); %.3f µs per 10 ms frame; %d speech frames",
                     1e6 * best / seconds, 1e6 * bestStreaming / seconds, 1e6 * bestHot / seconds, 1e6 * best / (seconds * 100), speech))
    }
}
