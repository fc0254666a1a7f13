import LinearAlgebra

/// Formant frequencies and bandwidths per frame, librosa layout: row `i` is formant `i + 1`
/// (F1, F2, F3 …), column `t` is frame `t`. A formant that was not found (silence, too few
/// acceptable poles) is 0 in both matrices.
public struct FormantTrack: Sendable, Equatable {
    /// `[formantCount, frameCount]`, Hz.
    public var frequencies: Matrix
    /// `[formantCount, frameCount]`, 3 dB bandwidths, Hz.
    public var bandwidths: Matrix

    public init(frequencies: Matrix, bandwidths: Matrix) {
        self.frequencies = frequencies
        self.bandwidths = bandwidths
    }
}
