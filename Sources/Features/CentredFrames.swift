/// Centred framing as librosa does with `center=True`: frame `t` of length `L` covers samples
/// `[t·hop − L/2, t·hop − L/2 + L)` of the signal padded with `L/2` samples on each side.
struct CentredFrames {
    enum Padding {
        /// Zeros outside the signal (`pad_mode="constant"`: STFT, RMS, YIN).
        case zeros
        /// The first / last sample repeated (`mode="edge"`: librosa.feature.zero_crossing_rate).
        case edge
    }

    let frameLength: Int
    let hopLength: Int

    /// `1 + (n + 2·(L/2) − L) / hop`, which is `1 + n / hop` for even `L`.
    func frameCount(sampleCount: Int) -> Int {
        1 + max(0, sampleCount + 2 * (frameLength / 2) - frameLength) / hopLength
    }

    /// Index into the signal of the first sample of frame `t` (negative inside the left padding).
    @inline(__always) func start(ofFrame t: Int) -> Int { t * hopLength - frameLength / 2 }

    /// Copies frame `t` into `destination[0..<frameLength]`, padding as requested.
    @inline(__always)
    func copyFrame(_ t: Int, from samples: UnsafeBufferPointer<Float>, padding: Padding,
                   into destination: UnsafeMutablePointer<Float>) {
        let first = start(ofFrame: t)
        let n = samples.count
        if first >= 0 && first + frameLength <= n {
            destination.update(from: samples.baseAddress! + first, count: frameLength)
            return
        }
        for j in 0..<frameLength {
            let s = first + j
            if s >= 0 && s < n {
                destination[j] = samples[s]
            } else {
                switch padding {
                case .zeros: destination[j] = 0
                case .edge: destination[j] = n == 0 ? 0 : samples[s < 0 ? 0 : n - 1]
                }
            }
        }
    }
}
