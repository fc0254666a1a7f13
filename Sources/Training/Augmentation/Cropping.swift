/// Time shifts and fixed-length windows.
public enum Cropping {
    /// `samples` cut or zero-padded to exactly `length`. With a generator, a longer clip is cropped at
    /// a uniformly random start and a shorter one placed at a uniformly random offset inside the
    /// window (training); without one, both are centred (evaluation).
    public static func cropOrPad(_ samples: [Float], length: Int, generator: inout SeededGenerator?) -> [Float] {
        precondition(length >= 0, "window length must be non-negative")
        let slack = abs(samples.count - length)
        let offset = generator.map { _ in generator!.uniform(below: slack + 1) } ?? slack / 2
        if samples.count >= length { return Array(samples[offset..<(offset + length)]) }
        var window = [Float](repeating: 0, count: length)
        window.replaceSubrange(offset..<(offset + samples.count), with: samples)
        return window
    }

    /// Centred crop or pad (no randomness).
    public static func cropOrPad(_ samples: [Float], length: Int) -> [Float] {
        var none: SeededGenerator? = nil
        return cropOrPad(samples, length: length, generator: &none)
    }

    /// `samples` delayed by `offset` samples (advanced when negative), same length: the vacated part is
    /// zeros and what moves past the end is dropped (no wrap-around, which would splice the end of an
    /// utterance onto its start).
    public static func shift(_ samples: [Float], by offset: Int) -> [Float] {
        let n = samples.count
        guard offset != 0, n > 0 else { return samples }
        var output = [Float](repeating: 0, count: n)
        if offset > 0, offset < n {
            output.replaceSubrange(offset..<n, with: samples[0..<(n - offset)])
        } else if offset < 0, -offset < n {
            output.replaceSubrange(0..<(n + offset), with: samples[(-offset)..<n])
        }
        return output
    }
}
