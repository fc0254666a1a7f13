import AudioDecoding
import NeuralNet

/// Why an analysis failed: the audio (decoding, limits) or the network.
public enum AnalysisError: Error, Sendable {
    case audio(AudioDecodingError)
    case network(NetworkError)
    /// The timeline would have more segments than allowed.
    case tooManySegments(Int, maximum: Int)
}

/// Per-channel sample blocks at the model's rate, readable from the start more than once: the
/// analysis reads it twice (first energy and length, then the windows), so it never holds the whole
/// signal, only the body it decodes from.
public protocol SampleBlockSource {
    /// Channels per block.
    var channelCount: Int { get }
    /// A new pass from the beginning.
    func makeReader() throws(AnalysisError) -> any SampleBlockReader
    /// Samples per channel a pass will deliver, when known before reading (nil: only a pass tells).
    var expectedSampleCount: Int? { get }
}

extension SampleBlockSource {
    public var expectedSampleCount: Int? { nil }
}

/// One pass over a `SampleBlockSource`.
public protocol SampleBlockReader: AnyObject {
    /// The next block (`[channel][sample]`, equal lengths), or nil at the end.
    func next() throws(AnalysisError) -> [[Float]]?
}

/// Samples already in memory, served in blocks.
public struct InMemorySamples: SampleBlockSource {
    public let channels: [[Float]]
    public let blockSize: Int

    public init(channels: [[Float]], blockSize: Int = 16_384) {
        precondition(!channels.isEmpty && blockSize > 0)
        self.channels = channels
        self.blockSize = blockSize
    }

    public var channelCount: Int { channels.count }
    public var expectedSampleCount: Int? { channels[0].count }

    public func makeReader() throws(AnalysisError) -> any SampleBlockReader { Reader(source: self) }

    final class Reader: SampleBlockReader {
        let source: InMemorySamples
        var position = 0
        init(source: InMemorySamples) { self.source = source }
        func next() throws(AnalysisError) -> [[Float]]? {
            let count = source.channels[0].count
            guard position < count else { return nil }
            let end = min(count, position + source.blockSize)
            defer { position = end }
            return source.channels.map { Array($0[position..<end]) }
        }
    }
}

/// An encoded audio file decoded on each pass (block by block, resampled to `sampleRate`), its
/// channels kept apart or mixed into one.
public struct EncodedAudioSource: SampleBlockSource {
    public let bytes: [UInt8]
    public let decoder: AudioDecoder
    public let sampleRate: Int
    public let mix: Bool
    /// The source's format, read from its header when the source is made.
    public let format: AudioFormat
    /// Samples per channel at `sampleRate` as the header declares them (see `AudioStream.expectedOutputFrames`).
    public let expectedSampleCount: Int?

    /// Opens the header once to validate it and learn the format (fails fast on bad input).
    public init(bytes: [UInt8], decoder: AudioDecoder, sampleRate: Int, mix: Bool) throws(AudioDecodingError) {
        self.bytes = bytes
        self.decoder = decoder
        self.sampleRate = sampleRate
        self.mix = mix
        let stream = try decoder.stream(bytes, resamplingTo: sampleRate)
        self.format = stream.source
        self.expectedSampleCount = stream.expectedOutputFrames
    }

    public var channelCount: Int { mix ? 1 : format.channelCount }

    public func makeReader() throws(AnalysisError) -> any SampleBlockReader {
        do throws(AudioDecodingError) {
            return Reader(stream: try decoder.stream(bytes, resamplingTo: sampleRate), mix: mix)
        } catch {
            throw .audio(error)
        }
    }

    final class Reader: SampleBlockReader {
        let stream: AudioStream
        let mix: Bool
        init(stream: AudioStream, mix: Bool) { self.stream = stream; self.mix = mix }
        func next() throws(AnalysisError) -> [[Float]]? {
            let block: [[Float]]?
            do throws(AudioDecodingError) { block = try stream.next() } catch { throw .audio(error) }
            guard let block else { return nil }
            guard mix, block.count > 1 else { return block }
            var mixed = [Float](repeating: 0, count: block[0].count)
            let scale = 1 / Float(block.count)
            for channel in block { for i in mixed.indices { mixed[i] += channel[i] * scale } }
            return [mixed]
        }
    }
}
