import Features
import LinearAlgebra
import Testing
import TestSupport

@Suite("Spectral features: shapes and properties")
struct SpectralPropertyTests {
    @Test(arguments: [0, 1, 159, 160, 161, 400, 16_000, 16_001])
    func shapesFollowLibrosasFrameCount(sampleCount: Int) throws {
        let extractor = try FeatureExtractor()
        let samples = SyntheticSignals.noise(count: sampleCount, amplitude: 0.1, seed: 3)
        let frames = 1 + sampleCount / 160
        let logMel = extractor.logMel(samples)
        #expect(logMel.rows == 64 && logMel.columns == frames)
        let mfcc = extractor.mfcc(logMel: logMel)
        #expect(mfcc.rows == 20 && mfcc.columns == frames)
        #expect(extractor.deltas(mfcc).columns == frames)
        #expect(extractor.chroma(samples).rows == 12 && extractor.chroma(samples).columns == frames)
        #expect(extractor.pitch(samples).frameCount == frames)
        #expect(extractor.rms(samples).count == frames && extractor.zeroCrossingRate(samples).count == frames)
        let formants = extractor.formants(samples)
        #expect(formants.frequencies.rows == 3 && formants.frequencies.columns == frames)
        #expect(extractor.spectralShape(samples).rolloff.count == frames)
    }

    /// `analyze` projects mel and chroma through one stacked gemm; the results match the separate
    /// entry points (up to the gemm's float32 rounding), shapes included, also for tiny inputs.
    @Test(arguments: [0, 161, 16_000])
    func analyzeMatchesTheSeparateFeatures(sampleCount: Int) throws {
        let extractor = try FeatureExtractor()
        let samples = SyntheticSignals.noise(count: sampleCount, amplitude: 0.3, seed: 5)
        let all = extractor.analyze(samples, includeFormants: false)
        let logMel = extractor.logMel(samples), chroma = extractor.chroma(samples)
        #expect(all.logMel.rows == logMel.rows && all.logMel.columns == logMel.columns)
        #expect(all.chroma.rows == chroma.rows && all.chroma.columns == chroma.columns)
        for (a, b) in zip(all.logMel.values, logMel.values) { #expect(abs(a - b) <= 1e-4) }
        for (a, b) in zip(all.chroma.values, chroma.values) { #expect(abs(a - b) <= 1e-5) }
    }

    /// The mel projection multiplies band blocks over their non-zero bins only; it equals the dense
    /// product of the filterbank and the spectrogram (up to the gemm kernels' float32 rounding).
    @Test func bandedMelProjectionMatchesTheDenseProduct() throws {
        let extractor = try FeatureExtractor()
        let spectrogram = extractor.powerSpectrogram(SyntheticSignals.noise(count: 16_000, amplitude: 0.3, seed: 8))
        let banded = extractor.melSpectrogram(spectrogram: spectrogram)
        let dense = extractor.melFilterbank.multiplied(by: spectrogram.binsByFrames())
        #expect(banded.rows == dense.rows && banded.columns == dense.columns)
        for (a, b) in zip(banded.values, dense.values) { #expect(abs(a - b) <= 1e-5 * max(abs(b), 1e-6)) }
    }

    @Test func powerAndMelAreNonNegative() throws {
        let extractor = try FeatureExtractor()
        let samples = SyntheticSignals.noise(count: 8000, amplitude: 0.8, seed: 11)
        let spectrogram = extractor.powerSpectrogram(samples)
        #expect(spectrogram.binCount == 257)
        #expect(spectrogram.frames.values.allSatisfy { $0 >= 0 })
        #expect(extractor.melSpectrogram(spectrogram: spectrogram).values.allSatisfy { $0 >= 0 })
        #expect(extractor.melFilterbank.values.allSatisfy { $0 >= 0 })
    }

    /// 1 kHz at 16 kHz with n_fft 512 is exactly bin 32; the loudest mel band is the one whose filter
    /// weighs bin 32 most, and its triangle's peak lies within one band spacing of 1 kHz.
    @Test func aSinePeaksInItsBinAndMelBand() throws {
        let extractor = try FeatureExtractor()
        let samples = SyntheticSignals.sine(frequency: 1000, sampleRate: 16_000, seconds: 0.5)
        let spectrogram = extractor.powerSpectrogram(samples)
        let logMel = extractor.logMel(spectrogram: spectrogram)
        let filters = extractor.melFilterbank
        let expectedBand = (0..<filters.rows).max { filters[$0, 32] < filters[$1, 32] }!
        for t in 5..<(spectrogram.frameCount - 5) {
            let frame = spectrogram.frames.row(t)
            #expect(frame.firstIndex(of: frame.max()!) == 32)
            let bands = logMel.values.indices.filter { $0 % logMel.columns == t }.map { logMel.values[$0] }
            #expect(bands.firstIndex(of: bands.max()!) == expectedBand)
        }
        let peaks = MelScale.slaney.frequencies(count: 66, from: 0, to: 8000)
        #expect(abs(peaks[expectedBand + 1] - 1000) < peaks[expectedBand + 2] - peaks[expectedBand])
    }

    /// No top_db: a frame's log-mel depends only on the samples under its window, so a loud burst
    /// far away leaves earlier frames bit-identical.
    @Test func aFramesLogMelIgnoresDistantAudio() throws {
        let extractor = try FeatureExtractor()
        let quiet = SyntheticSignals.noise(count: 32_000, amplitude: 0.001, seed: 5)
        var loud = quiet
        let burst = SyntheticSignals.sine(frequency: 440, sampleRate: 16_000, seconds: 0.5, amplitude: 0.99)
        for i in 0..<burst.count { loud[16_000 + i] += burst[i] }
        let a = extractor.logMel(quiet), b = extractor.logMel(loud)
        // Frames whose 512-sample window ends before sample 16 000: t·160 + 256 ≤ 16 000.
        for t in 0...98 { #expect(a.values.indices.filter { $0 % a.columns == t }.allSatisfy { a.values[$0] == b.values[$0] }) }
        #expect(a[10, 120] != b[10, 120])
        // The quiet frames sit ~60 dB below the burst; with top_db = 80 they would not move, but a
        // top_db coupling would clip frames below (max − 80): check one deep value survives.
        #expect(b.values.min()! < b.values.max()! - 80)
    }

    @Test func silenceIsOnTheFloor() throws {
        let extractor = try FeatureExtractor()
        let silence = [Float](repeating: 0, count: 4000)
        #expect(extractor.logMel(silence).values.allSatisfy { $0 == -100 })
        #expect(extractor.rms(silence).allSatisfy { $0 == 0 })
        #expect(extractor.chroma(silence).values.allSatisfy { $0 == 0 })
        #expect(extractor.pitch(silence).voiced.allSatisfy { !$0 })
        #expect(extractor.formants(silence).frequencies.values.allSatisfy { $0 == 0 })
    }

    @Test func chromaOfA440PeaksAtA() throws {
        let extractor = try FeatureExtractor()
        let chroma = extractor.chroma(SyntheticSignals.sine(frequency: 440, sampleRate: 16_000, seconds: 0.5))
        for t in 5..<(chroma.columns - 5) {
            let column = (0..<12).map { chroma[$0, t] }
            #expect(column.firstIndex(of: 1) == 9)  // C, C#, D, D#, E, F, F#, G, G#, A
        }
    }
}
