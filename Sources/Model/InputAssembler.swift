import Features
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Builds a model's input matrix `[rows, frames]` from mono samples at the model's sample rate: the
/// feature blocks of `ModelInputSpec.features` stacked in order, then normalised per row.
///
/// The one code path from audio to network input: the server runs it per window, the trainer per
/// training clip, so training and serving cannot drift. The STFT is computed once and shared by the
/// spectral blocks; pitch only when a block needs it.
public enum InputAssembler {
    /// - Parameters:
    ///   - samples: mono PCM at `extractor.config.sampleRate`.
    ///   - normalize: apply `spec.mean` / `spec.standardDeviation` (false when computing those statistics).
    /// - Returns: `[spec.rowCount(config:), frames]`, frames = `1 + samples.count / hopLength`.
    public static func assemble(_ samples: [Float], extractor: FeatureExtractor, spec: ModelInputSpec, normalize: Bool = true) -> Matrix {
        let config = extractor.config
        let frames = extractor.frameCount(sampleCount: samples.count)
        var input = Matrix(rows: spec.rowCount(config: config), columns: frames)

        // Shared intermediate results, computed on first use.
        var spectrogram: PowerSpectrogram?
        var logMel: Matrix?
        var mfcc: Matrix?
        var pitch: PitchTrack?
        func spectrum() -> PowerSpectrogram {
            if let spectrogram { return spectrogram }
            let value = extractor.powerSpectrogram(samples)
            spectrogram = value
            return value
        }
        func mel() -> Matrix {
            if let logMel { return logMel }
            let value = extractor.logMel(spectrogram: spectrum())
            logMel = value
            return value
        }
        func cepstrum() -> Matrix {
            if let mfcc { return mfcc }
            let value = extractor.mfcc(logMel: mel())
            mfcc = value
            return value
        }
        func yin() -> PitchTrack {
            if let pitch { return pitch }
            let value = extractor.pitch(samples)
            pitch = value
            return value
        }

        var row = 0
        func put(_ block: Matrix) {
            precondition(block.columns == frames, "feature block has \(block.columns) frames, expected \(frames)")
            input.values.withUnsafeMutableBufferPointer { target in
                block.values.withUnsafeBufferPointer { source in
                    (target.baseAddress! + row * frames).update(from: source.baseAddress!, count: block.rows * frames)
                }
            }
            row += block.rows
        }
        func put(_ values: [Float]) { put(Matrix(rows: 1, columns: values.count, values: values)) }

        for feature in spec.features {
            switch feature {
            case .logMel: put(mel())
            case .logMelDelta: put(extractor.deltas(mel(), order: 1))
            case .mfcc: put(cepstrum())
            case .mfccDelta: put(extractor.deltas(cepstrum(), order: 1))
            case .mfccDeltaDelta: put(extractor.deltas(cepstrum(), order: 2))
            case .pitch:
                let track = yin()
                put(zip(track.frequencies, track.voiced).map { f, voiced in
                    voiced && f > 0 ? 12 * Float.log2(f / 55) : 0
                })
            case .voicing: put(yin().voiced.map { $0 ? 1 : 0 })
            case .energy: put(extractor.energyDecibels(rms: extractor.rms(samples)))
            case .zeroCrossingRate: put(extractor.zeroCrossingRate(samples))
            case .spectralShape:
                let shape = extractor.spectralShape(spectrogram: spectrum())
                put(shape.centroid.map { $0 / 1000 })
                put(shape.rolloff.map { $0 / 1000 })
                put(shape.flatness)
            case .chroma: put(extractor.chroma(spectrogram: spectrum()))
            }
        }
        precondition(row == input.rows, "assembled \(row) rows, spec says \(input.rows)")

        if normalize, !spec.mean.isEmpty {
            precondition(spec.mean.count == input.rows && spec.standardDeviation.count == input.rows,
                         "normalisation statistics have \(spec.mean.count) rows, input has \(input.rows)")
            let rows = input.rows
            input.values.withUnsafeMutableBufferPointer { values in
                for r in 0..<rows {
                    let mean = spec.mean[r], scale = 1 / max(spec.standardDeviation[r], 1e-5)
                    let base = r * frames
                    for t in 0..<frames { values[base + t] = (values[base + t] - mean) * scale }
                }
            }
        }
        return input
    }
}

extension Float {
    /// log2 in Double (the C library's), rounded to Float: the same value training computed.
    fileprivate static func log2(_ x: Float) -> Float { Float(doubleLog2(Double(x))) }
}

/// The C library's `log2(Double)`, named apart from `Float.log2` above.
private func doubleLog2(_ x: Double) -> Double { log2(x) }
