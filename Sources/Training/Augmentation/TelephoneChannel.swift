import AudioDecoding

/// A narrow-band telephone channel (PSTN / G.711), so models trained on studio recordings also work
/// on calls: the signal is resampled to 8 kHz, band-limited to 300–3400 Hz (the G.712 channel
/// band), saturated at ±1, mu-law encoded and decoded (bit-exact G.711, as libsndfile does it),
/// band-limited again (the receiving codec's filter, which also removes the quantisation noise the
/// companding spreads below 300 Hz), and resampled back to the original rate.
///
/// The band-pass is a Kaiser-window FIR (70 dB stop band, 100 Hz transitions: stop below 200 Hz,
/// pass 300–3400 Hz); libsoxr's resampler removes everything above 4 kHz in both directions.
public struct TelephoneChannel: Sendable {
    /// Rate of the input and output, Hz.
    public let sampleRate: Int
    /// The codec's rate, Hz.
    public static let codecRate = 8_000
    let filter: BandPassFilter

    public init(sampleRate: Int) {
        self.sampleRate = sampleRate
        filter = BandPassFilter(low: 300, high: 3400, transition: 100, attenuation: 70, sampleRate: Self.codecRate)
    }

    /// `samples` (at `sampleRate`) as heard through the channel, same length.
    public func apply(_ samples: [Float]) -> [Float] {
        guard !samples.isEmpty else { return samples }
        let narrow = Resampler(from: sampleRate, to: Self.codecRate, quality: .high).resample(samples)
        let sent = filter.apply(narrow)
        let received = filter.apply(MuLaw.roundTrip(sent))
        var output = Resampler(from: Self.codecRate, to: sampleRate, quality: .high).resample(received)
        // Rounding in the two rate changes can leave the length a sample or two off.
        if output.count > samples.count { output.removeLast(output.count - samples.count) }
        if output.count < samples.count { output += [Float](repeating: 0, count: samples.count - output.count) }
        return output
    }
}
