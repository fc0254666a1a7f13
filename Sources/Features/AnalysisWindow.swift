#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Window functions, `length` samples, in Double for accuracy; callers store them as Float.
enum AnalysisWindow {
    /// Periodic ("DFT-even") Hann window, `0.5 − 0.5·cos(2πn/length)` (scipy `get_window("hann", fftbins=True)`).
    static func periodicHann(length: Int) -> [Double] {
        (0..<length).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(length)) }
    }

    /// Symmetric Hamming window, `0.54 − 0.46·cos(2πn/(length−1))`, the usual LPC analysis window.
    static func hamming(length: Int) -> [Double] {
        guard length > 1 else { return [1] }
        return (0..<length).map { 0.54 - 0.46 * cos(2 * Double.pi * Double($0) / Double(length - 1)) }
    }

    /// `window` zero-padded on both sides to `length`, centred as librosa.util.pad_center does
    /// (`(length − window.count) / 2` zeros on the left).
    static func centred(_ window: [Double], in length: Int) -> [Double] {
        let left = (length - window.count) / 2
        var padded = [Double](repeating: 0, count: length)
        for (i, w) in window.enumerated() { padded[left + i] = w }
        return padded
    }
}
