#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Frame energy (RMS in dB) of a signal delivered in blocks, identical to
/// `FeatureExtractor.energyDecibels(rms: rms(samples))` on the whole signal, but holding only about
/// one frame of samples: a long recording's energy track costs 4 bytes per frame (400 B per second).
///
/// Used by the service's first pass over long audio, to find its length and noise floor (for voice
/// activity) before the windows are analysed.
public struct StreamingFrameEnergy {
    private let framing: CentredFrames
    private let logFloor: Float
    /// Samples from absolute index `bufferStart` on.
    private var buffer: [Float] = []
    private var bufferStart = 0
    private var received = 0
    /// RMS dB of every frame completed so far.
    public private(set) var decibels: [Float] = []

    public init(config: FeatureConfig) {
        framing = CentredFrames(frameLength: config.analysisFrameLength, hopLength: config.hopLength)
        logFloor = config.logFloor
    }

    /// Samples received so far.
    public var sampleCount: Int { received }

    /// Adds the next block and computes every frame whose samples are now complete.
    public mutating func append(_ block: [Float]) {
        buffer += block
        received += block.count
        emitFrames(upTo: received, final: false)
    }

    /// Computes the frames that reach past the end (zero padded, as librosa's centred RMS) and
    /// returns the whole track: `1 + n / hop` frames for `n` samples.
    public mutating func finish() -> [Float] {
        emitFrames(upTo: received, final: true)
        return decibels
    }

    private mutating func emitFrames(upTo available: Int, final: Bool) {
        let total = framing.frameCount(sampleCount: available)
        var t = decibels.count
        buffer.withUnsafeBufferPointer { samples in
            while t < (final ? total : Int.max) {
                let first = framing.start(ofFrame: t)
                let end = first + framing.frameLength
                if !final && end > available { break }
                let lo = max(0, first), hi = min(available, end)
                let sum = hi > lo ? FrameEnergy.sumOfSquares(samples.baseAddress! + (lo - bufferStart), count: hi - lo) : 0
                let rms = Float((sum / Double(framing.frameLength)).squareRoot())
                decibels.append(10 * log10(max(logFloor, rms * rms)))
                t += 1
            }
        }
        // Drop samples no later frame needs, once they are at least half the buffer: the copy is
        // amortised over many blocks instead of moving the whole buffer after every block.
        let keepFrom = max(0, framing.start(ofFrame: decibels.count))
        let drop = min(buffer.count, keepFrom - bufferStart)
        if drop > 0, drop >= buffer.count / 2 || final {
            buffer.removeFirst(drop)
            bufferStart += drop
        }
    }
}
