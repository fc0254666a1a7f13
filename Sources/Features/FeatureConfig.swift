/// Every parameter of the audio feature pipeline, in one value a model file embeds as JSON.
///
/// Units are in the names or the documentation: frequencies in Hz, lengths in samples at
/// `sampleRate`, durations in seconds, levels in dB. The defaults are the team's standard front end:
/// 16 kHz audio, 25 ms periodic-Hann windows (400 samples) every 10 ms (160 samples) zero-padded to a
/// 512-point FFT, centred frames exactly as librosa ≥ 0.9 (`center=True, pad_mode="constant"`).
///
/// Decoding is forgiving on purpose: a missing key takes its default, so model files written by an
/// older version with fewer parameters still load with identical behaviour for the keys they have.
/// Call `validate()` (the `FeatureExtractor` initialiser does) before using a decoded value.
public struct FeatureConfig: Codable, Sendable, Equatable {
    // MARK: Framing and spectrum

    /// Sample rate of the input PCM, Hz.
    public var sampleRate: Int = 16_000
    /// FFT length, samples (`n_fft`); the spectrum has `fftLength / 2 + 1` bins.
    public var fftLength: Int = 512
    /// Analysis window length, samples (`win_length`, ≤ `fftLength`); the periodic Hann window is
    /// zero-padded, centred, to `fftLength` as librosa does. Also the frame length of RMS, zero-crossing
    /// rate and formant analysis (rounded down to even so every feature has the same frame count).
    public var windowLength: Int = 400
    /// Hop between frame centres, samples. Frame `t` is centred on sample `t * hopLength`.
    public var hopLength: Int = 160

    // MARK: Mel spectrum and cepstrum

    /// Number of mel bands.
    public var melBandCount: Int = 64
    /// Lowest edge of the mel filterbank, Hz.
    public var minFrequency: Double = 0
    /// Highest edge of the mel filterbank, Hz; `nil` means the Nyquist frequency `sampleRate / 2`.
    public var maxFrequency: Double? = nil
    /// Mel scale formula: Slaney's (librosa default, linear below 1 kHz) or HTK's.
    public var melScale: MelScale = .slaney
    /// Filter normalisation: Slaney's constant-area triangles (librosa default) or unit-peak triangles.
    public var melNormalization: MelNormalization = .slaney
    /// Power floor before the logarithm: log-mel is `10·log10(max(logFloor, S))` dB, never clipped
    /// relative to the file's maximum (no `top_db`), so a frame's value depends on that frame only.
    public var logFloor: Float = 1e-10
    /// Number of MFCCs kept from the orthonormal DCT-II of the log-mel bands (≤ `melBandCount`).
    public var mfccCount: Int = 20
    /// Cepstral liftering coefficient (librosa `lifter`); 0 disables liftering.
    public var mfccLifter: Double = 0
    /// Width of the Savitzky-Golay window of deltas and delta-deltas, frames (odd, ≥ 3).
    public var deltaWidth: Int = 9

    // MARK: Pitch (YIN)

    /// Lowest fundamental frequency searched, Hz (librosa.yin `fmin`).
    public var pitchMinFrequency: Double = 50
    /// Highest fundamental frequency searched, Hz (librosa.yin `fmax`).
    public var pitchMaxFrequency: Double = 500
    /// YIN frame length, samples (librosa.yin `frame_length`); must exceed `sampleRate / pitchMinFrequency + 1`.
    public var pitchFrameLength: Int = 1024
    /// YIN absolute threshold on the cumulative mean normalised difference (librosa `trough_threshold`).
    /// A frame is voiced when it has a trough below this threshold.
    public var pitchTroughThreshold: Double = 0.1

    // MARK: Chroma and spectral shape

    /// Number of chroma bins per octave (librosa `n_chroma`).
    public var chromaBinCount: Int = 12
    /// Tuning offset of the chroma filterbank, fractions of a chroma bin (librosa `tuning`). Fixed
    /// rather than estimated per file, so a frame's chroma depends on that frame only.
    public var chromaTuning: Double = 0
    /// Fraction of the magnitude spectrum below the roll-off frequency (librosa `roll_percent`).
    public var rolloffFraction: Double = 0.85

    // MARK: Formants (LPC)

    /// Number of formants reported (F1, F2, F3 ...).
    public var formantCount: Int = 3
    /// LPC order; `nil` means `2 + sampleRate / 1000` (the Praat / openSMILE rule of thumb).
    public var lpcOrder: Int? = nil
    /// Pre-emphasis corner frequency, Hz: `y[n] = x[n] − α·x[n−1]`, `α = exp(−2π·f/sampleRate)` (Praat "from 50 Hz").
    public var preEmphasisFrequency: Double = 50
    /// Lowest frequency accepted as a formant, Hz (rejects near-DC poles).
    public var formantMinFrequency: Double = 90
    /// Highest frequency accepted as a formant, Hz (Praat's "formant ceiling"); `nil` means 5500 Hz,
    /// or the Nyquist frequency when that is lower.
    public var formantMaxFrequency: Double? = nil
    /// Widest 3 dB bandwidth accepted for a formant pole, Hz.
    public var formantMaxBandwidth: Double = 700

    // MARK: Voice activity and speech rate

    /// A frame is speech-like when its energy exceeds the utterance's noise floor (10th percentile of
    /// frame energy) by this many dB.
    public var voiceActivityThresholdDecibels: Double = 12
    /// Time a speech region is held open after its last energetic frame, seconds (hangover).
    public var voiceActivityHangoverSeconds: Double = 0.2
    /// A frame seeds speech when YIN's aperiodicity (cumulative mean normalised difference at the
    /// chosen period, 0 = perfectly periodic) is below this. Deliberately looser than
    /// `pitchTroughThreshold` (0.1, librosa's rule for choosing the period): voiced frames of real,
    /// reverberant or noisy recordings sit at 0.1-0.3, noise near 1.
    public var voiceActivityAperiodicityThreshold: Double = 0.35
    /// Syllable nuclei must exceed the utterance's 99th-percentile intensity minus this many dB
    /// (de Jong & Wempe's "silence threshold", −25 dB there).
    public var syllableSilenceThresholdDecibels: Double = 25
    /// Minimum intensity dip after a syllable nucleus before the next, dB (de Jong & Wempe's "mindip").
    public var syllableMinimumDipDecibels: Double = 2

    /// The defaults documented on each property.
    public init() {}

    /// Effective upper mel edge, Hz.
    public var resolvedMaxFrequency: Double { maxFrequency ?? Double(sampleRate) / 2 }
    /// Effective formant ceiling, Hz.
    public var resolvedFormantMaxFrequency: Double { formantMaxFrequency ?? min(5500, Double(sampleRate) / 2) }
    /// Effective LPC order.
    public var resolvedLPCOrder: Int { lpcOrder ?? 2 + sampleRate / 1000 }
    /// Frame length of RMS, zero-crossing rate and formants: `windowLength` rounded down to even, so
    /// centred framing gives librosa's `1 + n / hop` frames like the STFT.
    public var analysisFrameLength: Int { windowLength & ~1 }
    /// Number of spectrum bins, `fftLength / 2 + 1`.
    public var binCount: Int { fftLength / 2 + 1 }
    /// Frames per second of audio.
    public var frameRate: Double { Double(sampleRate) / Double(hopLength) }

    /// Number of frames for `sampleCount` samples: `1 + sampleCount / hopLength`, as librosa with `center=True`.
    public func frameCount(sampleCount: Int) -> Int { 1 + sampleCount / hopLength }

    /// Centre time of each frame, seconds (`t · hopLength / sampleRate`, librosa.frames_to_time).
    public func frameTimes(frameCount: Int) -> [Double] {
        (0..<frameCount).map { Double($0 * hopLength) / Double(sampleRate) }
    }

    private enum CodingKeys: String, CodingKey {
        case sampleRate, fftLength, windowLength, hopLength
        case melBandCount, minFrequency, maxFrequency, melScale, melNormalization, logFloor
        case mfccCount, mfccLifter, deltaWidth
        case pitchMinFrequency, pitchMaxFrequency, pitchFrameLength, pitchTroughThreshold
        case chromaBinCount, chromaTuning, rolloffFraction
        case formantCount, lpcOrder, preEmphasisFrequency, formantMinFrequency, formantMaxFrequency, formantMaxBandwidth
        case voiceActivityThresholdDecibels, voiceActivityHangoverSeconds, voiceActivityAperiodicityThreshold
        case syllableSilenceThresholdDecibels, syllableMinimumDipDecibels
    }

    /// Decodes every key that is present and keeps the default for every key that is missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.sampleRate, into: &sampleRate)
        try read(.fftLength, into: &fftLength)
        try read(.windowLength, into: &windowLength)
        try read(.hopLength, into: &hopLength)
        try read(.melBandCount, into: &melBandCount)
        try read(.minFrequency, into: &minFrequency)
        maxFrequency = try c.decodeIfPresent(Double.self, forKey: .maxFrequency)
        try read(.melScale, into: &melScale)
        try read(.melNormalization, into: &melNormalization)
        try read(.logFloor, into: &logFloor)
        try read(.mfccCount, into: &mfccCount)
        try read(.mfccLifter, into: &mfccLifter)
        try read(.deltaWidth, into: &deltaWidth)
        try read(.pitchMinFrequency, into: &pitchMinFrequency)
        try read(.pitchMaxFrequency, into: &pitchMaxFrequency)
        try read(.pitchFrameLength, into: &pitchFrameLength)
        try read(.pitchTroughThreshold, into: &pitchTroughThreshold)
        try read(.chromaBinCount, into: &chromaBinCount)
        try read(.chromaTuning, into: &chromaTuning)
        try read(.rolloffFraction, into: &rolloffFraction)
        try read(.formantCount, into: &formantCount)
        lpcOrder = try c.decodeIfPresent(Int.self, forKey: .lpcOrder)
        try read(.preEmphasisFrequency, into: &preEmphasisFrequency)
        try read(.formantMinFrequency, into: &formantMinFrequency)
        formantMaxFrequency = try c.decodeIfPresent(Double.self, forKey: .formantMaxFrequency)
        try read(.formantMaxBandwidth, into: &formantMaxBandwidth)
        try read(.voiceActivityThresholdDecibels, into: &voiceActivityThresholdDecibels)
        try read(.voiceActivityHangoverSeconds, into: &voiceActivityHangoverSeconds)
        try read(.voiceActivityAperiodicityThreshold, into: &voiceActivityAperiodicityThreshold)
        try read(.syllableSilenceThresholdDecibels, into: &syllableSilenceThresholdDecibels)
        try read(.syllableMinimumDipDecibels, into: &syllableMinimumDipDecibels)
    }
}

/// The mel scale formula.
public enum MelScale: String, Codable, Sendable, CaseIterable {
    /// Slaney's Auditory Toolbox scale: linear (200/3 Hz per mel) below 1 kHz, logarithmic above
    /// (librosa `htk=False`).
    case slaney
    /// `2595 · log10(1 + f / 700)` (librosa `htk=True`).
    case htk
}

/// How mel filters are scaled.
public enum MelNormalization: String, Codable, Sendable, CaseIterable {
    /// Each triangle divided by its width in Hz / 2, so all have the same area (librosa `norm="slaney"`).
    case slaney
    /// Triangles of peak 1 (librosa `norm=None`).
    case none
}
