// FeatureBenchmark: throughput of the full feature pipeline on one core.
//
// Usage: FeatureBenchmark CLIP.f32...   (raw little-endian float32 mono at 16 kHz, written by run.sh)
// Prints one tab-separated line per clip:
//   clip  audio_seconds  runs  median_seconds_per_run  formants_median_seconds_per_run
// "Full pipeline" = FeatureExtractor.analyze without formants: STFT power, log-mel (64), MFCC (20),
// deltas and delta-deltas, chroma, spectral centroid / flatness / roll-off, YIN pitch + voicing, RMS,
// energy dB, zero-crossing rate, voice activity and speech rate; the STFT is shared, as librosa_peer.py
// shares it. Formants (no librosa equivalent) are timed separately.
import Features
import Foundation
import LinearAlgebra

BLASKernelSelection.relaunchIfFasterKernelAvailable()
BLAS.setThreadCount(1)

func readClip(_ path: String) -> [Float] {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(1)
    }
    return data.withUnsafeBytes { raw in
        (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
    }
}

/// Runs `body` at least 3 times and until 3 s have passed (at most 50 runs); returns per-run seconds.
func measure(_ body: () -> Void) -> [Double] {
    let clock = ContinuousClock()
    var durations: [Double] = []
    var total = 0.0
    while durations.count < 3 || (total < 3 && durations.count < 50) {
        let elapsed = clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        durations.append(seconds)
        total += seconds
    }
    return durations
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

// The FFT plans a server runs once it is ready (it refines them in the background at start).
refineFFTPlans(sizes: FeatureExtractor.fftSizes(config: FeatureConfig()))
let extractor: FeatureExtractor
do { extractor = try FeatureExtractor() } catch { fatalError("default config invalid: \(error)") }
var sink = 0.0  // keeps results observable so nothing is optimised away

// With SER_BENCHMARK_PROFILE_RUNS=n: only run the pipeline (no formants) n times on each clip, print nothing
// and exit. For instruction counting, whose counts are repeatable on a loaded machine:
//   OPENBLAS_CORETYPE=Haswell SER_BENCHMARK_PROFILE_RUNS=3 valgrind --tool=callgrind FeatureBenchmark clip.f32
// (valgrind cannot run AVX-512 code, hence the Haswell kernel.)
if let runs = ProcessInfo.processInfo.environment["SER_BENCHMARK_PROFILE_RUNS"].flatMap(Int.init) {
    for path in CommandLine.arguments.dropFirst() {
        let samples = readClip(path)
        for _ in 0..<runs { sink += Double(extractor.analyze(samples, includeFormants: false).mfcc.values.last ?? 0) }
    }
    if sink.isNaN { print("# NaN in results") }
    exit(0)
}

for path in CommandLine.arguments.dropFirst() {
    let samples = readClip(path)
    let seconds = Double(samples.count) / Double(extractor.config.sampleRate)
    // Warm-up on up to 3 s: page in code and buffers, let FFTW and OpenBLAS initialise.
    let warmUp = Array(samples.prefix(3 * extractor.config.sampleRate))
    sink += Double(extractor.analyze(warmUp, includeFormants: true).mfcc.values.first ?? 0)
    let pipeline = measure { sink += Double(extractor.analyze(samples, includeFormants: false).mfcc.values.last ?? 0) }
    let formants = measure { sink += Double(extractor.formants(samples).frequencies.values.last ?? 0) }
    print([URL(fileURLWithPath: path).lastPathComponent, String(seconds), String(pipeline.count),
           String(median(pipeline)), String(median(formants))].joined(separator: "\t"))
}
if sink.isNaN { print("# NaN in results") }

// With SER_BENCHMARK_BREAKDOWN set, also print the median time of each stage on the last clip (stderr).
if ProcessInfo.processInfo.environment["SER_BENCHMARK_BREAKDOWN"] != nil, let path = CommandLine.arguments.last {
    let samples = readClip(path)
    let spectrogram = extractor.powerSpectrogram(samples)
    let logMel = extractor.logMel(spectrogram: spectrogram)
    let mfcc = extractor.mfcc(logMel: logMel)
    let stages: [(String, () -> Void)] = [
        ("power spectrogram", { sink += Double(extractor.powerSpectrogram(samples).frames.values[0]) }),
        ("mel + log", { sink += Double(extractor.logMel(spectrogram: spectrogram).values[0]) }),
        ("mfcc", { sink += Double(extractor.mfcc(logMel: logMel).values[0]) }),
        ("deltas x2", { sink += Double(extractor.deltas(mfcc).values[0] + extractor.deltas(mfcc, order: 2).values[0]) }),
        ("chroma", { sink += Double(extractor.chroma(spectrogram: spectrogram).values[0]) }),
        ("spectral shape", { sink += Double(extractor.spectralShape(spectrogram: spectrogram).centroid[0]) }),
        ("yin", { sink += Double(extractor.pitch(samples).frequencies[0]) }),
        ("rms", { sink += Double(extractor.rms(samples)[0]) }),
        ("zcr", { sink += Double(extractor.zeroCrossingRate(samples)[0]) }),
        ("formants", { sink += Double(extractor.formants(samples).frequencies.values[0]) }),
    ]
    for (name, body) in stages {
        FileHandle.standardError.write(Data("\(name)\t\(median(measure(body)))\n".utf8))
    }
}
