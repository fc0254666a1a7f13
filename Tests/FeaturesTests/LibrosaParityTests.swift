import Features
import LinearAlgebra
import Testing

/// Parity with librosa 0.11.0 on the generated fixtures (scripts/fixtures/make-feature-fixtures.py), three
/// parameter sets: 16 kHz / n_fft 512 / 64 Slaney mels; 16 kHz / n_fft 1024 / 128 HTK mels without
/// area normalisation, fmin 30, fmax 7600, lifter 22; 8 kHz / n_fft 256 / 40 mels, fmin 20, fmax 3800.
///
/// References are librosa on the float32 signal promoted to float64; this pipeline is float32 (FFTW
/// single precision). The tolerances below are what float32 arithmetic allows; the measured worst
/// cases at the time of writing are in the comments.
@Suite("librosa 0.11 parity")
struct LibrosaParityTests {
    @Test(arguments: LibrosaFixture.names)
    func fixtureIsFromLibrosa0110(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        #expect(fixture.librosaVersion == "0.11.0")
        #expect(try fixture.samples.count == fixture.sampleCount)
    }

    @Test(arguments: LibrosaFixture.names)
    func everyFeatureHasLibrosasFrameCount(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let samples = try fixture.samples
        let extractor = try FeatureExtractor(config: fixture.config)
        let frames = fixture.reference.frameCount
        #expect(frames == 1 + samples.count / fixture.config.hopLength)
        #expect(extractor.frameCount(sampleCount: samples.count) == frames)
        let all = extractor.analyze(samples)
        #expect(all.logMel.columns == frames && all.logMel.rows == fixture.config.melBandCount)
        #expect(all.mfcc.columns == frames && all.mfccDelta.columns == frames && all.mfccDeltaDelta.columns == frames)
        #expect(all.chroma.columns == frames && all.pitch.frameCount == frames && all.rms.count == frames)
        #expect(all.zeroCrossingRate.count == frames && all.spectralShape.centroid.count == frames)
        #expect(all.formants?.frequencies.columns == frames && all.voiceActivity.count == frames)
    }

    /// Measured: 5e-10 (entries are up to ~0.03 for Slaney area-normalised, 1 for unit-peak filters).
    @Test(arguments: LibrosaFixture.names)
    func melFilterbankMatches(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let extractor = try FeatureExtractor(config: fixture.config)
        #expect(extractor.melFilterbank.rows == fixture.config.melBandCount)
        #expect(extractor.melFilterbank.columns == fixture.config.fftLength / 2 + 1)
        #expect(largestDifference(extractor.melFilterbank, fixture.reference.melBasis).0 < 1e-8)
    }

    /// Log-mel, dB. Bands above −80 dB (power > 1e-8) and within 60 dB of their frame's loudest band:
    /// ≤ 1e-3 dB (measured 2.6e-4 / 1.6e-4 / 1.1e-4). Bands above −40 dB: ≤ 2e-3 dB (measured up to
    /// 1.3e-3, n_fft 1024). Every band including those ~140 dB below the frame's energy, where the
    /// float32 FFT's rounding noise dominates the (pure synthetic) signal: ≤ 1 dB (measured 0.06 /
    /// 0.79 / 0.035). Real 16-bit recordings have a noise floor far above that rounding noise.
    @Test(arguments: LibrosaFixture.names)
    func logMelMatches(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let extractor = try FeatureExtractor(config: fixture.config)
        let logMel = extractor.logMel(try fixture.samples)
        let reference = fixture.reference.logMel
        let frameMaxima = (0..<logMel.columns).map { c in reference.map { $0[c] }.max()! }
        let (withinRange, compared) = largestDifference(logMel, reference) { _, c, value in value > -80 && value > frameMaxima[c] - 60 }
        #expect(compared > logMel.values.count / 3)
        #expect(withinRange <= 1e-3)
        #expect(largestDifference(logMel, reference) { _, _, value in value > -40 }.0 <= 2e-3)
        #expect(largestDifference(logMel, reference).0 <= 1.0)
        // Digital silence sits exactly on the floor.
        #expect(logMel.values.min()! >= -100)
    }

    /// MFCC. The DCT alone (from librosa's log-mel): ≤ 5e-3 (measured 1.4e-4; 2.1e-3 with lifter 22).
    /// End to end, frames whose log-mel spans ≤ 80 dB: ≤ 5e-3 (measured 1.8e-4 / 2.0e-3 / 3.4e-4).
    /// Frames spanning more (pure chirp next to digital silence) inherit the deep-band float32 noise:
    /// ≤ 5 (measured 0.02 / 3.5 / 0.013).
    @Test(arguments: LibrosaFixture.names)
    func mfccMatches(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let extractor = try FeatureExtractor(config: fixture.config)
        let reference = fixture.reference
        #expect(largestDifference(extractor.mfcc(logMel: Matrix(reference.logMel)), reference.mfcc).0 <= 5e-3)
        let mfcc = extractor.mfcc(try fixture.samples)
        var moderateFrames = 0
        for c in 0..<mfcc.columns {
            let column = reference.logMel.map { $0[c] }
            let error = (0..<mfcc.rows).map { abs(Double(mfcc[$0, c]) - reference.mfcc[$0][c]) }.max()!
            if column.max()! - column.min()! <= 80 {
                moderateFrames += 1
                #expect(error <= 5e-3, "frame \(c)")
            }
            #expect(error <= 5, "frame \(c)")
        }
        #expect(moderateFrames >= mfcc.columns / 4)
    }

    /// Deltas of librosa's MFCCs: ≤ 1e-4 (measured 3.7e-5, float32 storage of the input).
    @Test(arguments: LibrosaFixture.names)
    func deltasMatch(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let extractor = try FeatureExtractor(config: fixture.config)
        let mfcc = Matrix(fixture.reference.mfcc)
        #expect(largestDifference(extractor.deltas(mfcc, order: 1), fixture.reference.mfccDelta).0 <= 1e-4)
        #expect(largestDifference(extractor.deltas(mfcc, order: 2), fixture.reference.mfccDeltaDelta).0 <= 1e-4)
    }

    /// RMS ≤ 1e-6 (measured 3.5e-8); ZCR ≤ 1e-6, i.e. identical crossing counts (measured 3e-8).
    @Test(arguments: LibrosaFixture.names)
    func energyAndZeroCrossingsMatch(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let extractor = try FeatureExtractor(config: fixture.config)
        let samples = try fixture.samples
        #expect(largestDifference(extractor.rms(samples), fixture.reference.rms) <= 1e-6)
        #expect(largestDifference(extractor.zeroCrossingRate(samples), fixture.reference.zeroCrossingRate) <= 1e-6)
    }

    /// Chroma (tuning 0, max-normalised) ≤ 1e-5 (measured 8e-7).
    @Test(arguments: LibrosaFixture.names)
    func chromaMatches(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let extractor = try FeatureExtractor(config: fixture.config)
        #expect(largestDifference(extractor.chroma(try fixture.samples), fixture.reference.chroma).0 <= 1e-5)
    }

    /// Centroid ≤ 0.02 Hz (measured 2.3e-3 Hz); flatness ≤ 1e-5 (measured 1.3e-7); roll-off: the same
    /// bin on at least 99 % of frames (measured: all) and never more than one bin away.
    @Test(arguments: LibrosaFixture.names)
    func spectralShapeMatches(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let extractor = try FeatureExtractor(config: fixture.config)
        let shape = extractor.spectralShape(try fixture.samples)
        let reference = fixture.reference
        #expect(largestDifference(shape.centroid, reference.spectralCentroid) <= 0.02)
        #expect(largestDifference(shape.flatness, reference.spectralFlatness) <= 1e-5)
        let binWidth = Double(fixture.config.sampleRate) / Double(fixture.config.fftLength)
        let differences = zip(shape.rolloff, reference.spectralRolloff).map { abs(Double($0) - $1) }
        #expect(differences.allSatisfy { $0 <= binWidth * 1.001 })
        #expect(differences.filter { $0 > 1e-3 }.count <= differences.count / 100)
    }

    /// YIN F0: every voiced frame within 0.1 % of librosa (spec: 1 %; measured 2.3e-6 relative on all
    /// frames), and at least 98 % of all frames (voiced or not) within 0.1 %.
    @Test(arguments: LibrosaFixture.names)
    func yinMatches(name: String) throws {
        let fixture = try LibrosaFixture.load(name)
        let extractor = try FeatureExtractor(config: fixture.config)
        let pitch = extractor.pitch(try fixture.samples)
        let reference = fixture.reference.yinFrequencies
        #expect(pitch.frequencies.count == reference.count)
        #expect(pitch.voiced.filter { $0 }.count >= reference.count / 8)
        var close = 0
        for (t, (f0, expected)) in zip(pitch.frequencies, reference).enumerated() {
            let relative = abs(Double(f0) - expected) / expected
            if relative <= 1e-3 { close += 1 }
            if pitch.voiced[t] { #expect(relative <= 1e-3, "frame \(t): \(f0) Hz vs librosa \(expected) Hz") }
        }
        #expect(close * 100 >= reference.count * 98)
    }
}
