import CSndFile
import Dispatch
import Synchronization

/// libsndfile reports an open failure through a process-global error, so opening (header parsing
/// only, microseconds) is serialised to keep concurrent requests' errors apart.
let soundFileOpenLock = Mutex(())

/// Audio decoded block by block: per-channel float PCM, optionally resampled band-limited to
/// `outputRate`. Memory is bounded by the block size whatever the audio's length, so a service can
/// analyse hours of audio in windows; `AudioDecoder.decode` collects the blocks when the whole signal
/// is wanted. All limits of `AudioDecoder` apply, checked as the stream advances.
public final class AudioStream {
    /// The source's container, encoding, rate and channel count.
    public let source: AudioFormat
    /// Rate of the delivered samples, Hz.
    public let outputRate: Int
    /// Source frames decoded so far.
    public private(set) var decodedFrames = 0

    private let file: MemoryFile
    private let handle: OpaquePointer
    private let info: SF_INFO
    private let limits: AudioLimits
    private var resamplers: [StreamingResampler]
    private var interleaved: [Float]
    private var finished = false

    /// Frames read per libsndfile call.
    static let blockFrames = 16_384

    /// Opens `bytes` and validates the header (channels, sample rate); decoding happens in `next()`.
    /// - Parameter outputRate: resample to this rate, or nil to keep the source rate.
    public init(bytes: [UInt8], limits: AudioLimits = AudioLimits(), outputRate: Int? = nil) throws(AudioDecodingError) {
        guard !bytes.isEmpty else { throw .empty }
        let file = MemoryFile(bytes: bytes)
        var info = SF_INFO()
        var io = MemoryFile.virtualIO
        let opened = soundFileOpenLock.withLock { _ in
            withExtendedLifetime(file) {
                OpenResult(handle: sf_open_virtual(&io, Int32(SFM_READ), &info, Unmanaged.passUnretained(file).toOpaque()),
                           error: Self.openError())
            }
        }
        guard let handle = opened.handle else { throw opened.error }
        let channelCount = Int(info.channels), sampleRate = Int(info.samplerate)
        guard channelCount >= 1, channelCount <= limits.maxChannels else {
            sf_close(handle)
            throw .invalidChannelCount(channelCount, maximum: limits.maxChannels)
        }
        guard limits.sampleRateRange.contains(sampleRate) else {
            sf_close(handle)
            throw .invalidSampleRate(sampleRate, allowed: limits.sampleRateRange)
        }
        self.file = file
        self.handle = handle
        self.info = info
        self.limits = limits
        self.source = AudioFormat(container: SoundFileFormat.containerName(info.format), encoding: SoundFileFormat.encodingName(info.format),
                                  sampleRate: sampleRate, channelCount: channelCount)
        let targetRate = outputRate ?? sampleRate
        self.outputRate = targetRate
        self.resamplers = targetRate == sampleRate ? [] : (0..<channelCount).map { _ in StreamingResampler(from: sampleRate, to: targetRate) }
        self.interleaved = [Float](repeating: 0, count: Self.blockFrames * channelCount)
    }

    deinit { sf_close(handle) }

    /// The source's declared frame count (0 when unknown); never trusted for allocation. libsndfile
    /// reports an undeclared length (a FLAC stream whose STREAMINFO says 0 samples, a pipe) as
    /// `SF_COUNT_MAX`, which is no length at all.
    public var declaredFrames: Int { info.frames >= sf_count_t.max ? 0 : max(0, Int(clamping: info.frames)) }

    /// Samples per channel this stream will deliver, as the header promises: the declared frames (or
    /// their resampled count, `round(frames · outputRate / sourceRate)`, which is what the resampler
    /// delivers), or nil when the container does not declare an exact length (MP3) or declares none.
    /// A promise, not a fact: a stream that ends early throws `.truncated` in `next()`, and a caller
    /// that plans by it must still compare it with what was delivered.
    public var expectedOutputFrames: Int? {
        guard SoundFileFormat.declaresExactLength(info.format), declaredFrames > 0 else { return nil }
        if resamplers.isEmpty { return declaredFrames }
        return Resampler(from: source.sampleRate, to: outputRate).outputCount(forInputCount: declaredFrames)
    }

    /// The next block of per-channel samples at `outputRate` (may be empty while a resampler fills),
    /// or nil after the last one. At the end it checks truncation and the minimum duration.
    public func next() throws(AudioDecodingError) -> [[Float]]? {
        if finished { return nil }
        let channelCount = source.channelCount
        let got = interleaved.withUnsafeMutableBufferPointer { Int(sf_readf_float(handle, $0.baseAddress, sf_count_t(Self.blockFrames))) }
        if got <= 0 {
            finished = true
            try checkEnd()
            if resamplers.isEmpty { return nil }
            let tails = resamplers.map { $0.finish() }
            return tails.allSatisfy(\.isEmpty) ? nil : Self.equalized(tails)
        }
        // The duration limit, or fewer frames where the sample budget (frames × channels) is reached
        // first: that bounds the decoding work (and a collecting decoder's memory) for any header.
        let maxFrames = min(Int(limits.maxDurationSeconds * Double(source.sampleRate)), limits.maxSamples / channelCount)
        if decodedFrames + got > maxFrames { throw .tooLong(maximumSeconds: Double(maxFrames) / Double(source.sampleRate)) }
        var channels: [[Float]] = []
        channels.reserveCapacity(channelCount)
        interleaved.withUnsafeBufferPointer { buffer in
            for c in 0..<channelCount {
                channels.append([Float](unsafeUninitializedCapacity: got) { target, initialized in
                    if channelCount == 1 {
                        target.baseAddress!.initialize(from: buffer.baseAddress!, count: got)
                    } else {
                        for i in 0..<got { target[i] = buffer[i * channelCount + c] }
                    }
                    initialized = got
                })
            }
        }
        // Only floating-point encodings can hold NaN or infinity.
        if SoundFileFormat.isFloatingPoint(info.format) {
            for c in 0..<channelCount {
                if let i = channels[c].firstIndex(where: { !$0.isFinite }) { throw .nonFiniteSamples(channel: c, frame: decodedFrames + i) }
            }
        }
        decodedFrames += got
        if resamplers.isEmpty { return channels }
        if resamplers.count == 1 { return [resamplers[0].process(channels[0])] }
        // Channels resample independently: one thread each (a stereo call's two channels take the time
        // of one), results in channel order.
        let resampled = ChannelSlots(count: channelCount)
        let work = { @Sendable [resamplers = UncheckedResamplers(resamplers), channels] (c: Int) in
            resampled[c] = resamplers.list[c].process(channels[c])
        }
        DispatchQueue.concurrentPerform(iterations: channelCount, execute: work)
        return Self.equalized(resampled.values)
    }

    /// Per-channel resamplers run in lockstep, so their outputs have equal lengths; guard anyway.
    private static func equalized(_ channels: [[Float]]) -> [[Float]] {
        let n = channels.map(\.count).min() ?? 0
        return channels.map { $0.count == n ? $0 : Array($0.prefix(n)) }
    }

    private func checkEnd() throws(AudioDecodingError) {
        if sf_error(handle) != 0 {
            throw .malformed(detail: String(cString: sf_strerror(handle)))
        }
        let declared = declaredFrames
        if SoundFileFormat.declaresExactLength(info.format), declared > 0, decodedFrames < declared {
            throw .truncated(decodedFrames: decodedFrames, declaredFrames: declared)
        }
        if let chunk = HeaderLog.shortDataChunk(handle), chunk.actual > 0 {
            throw .truncated(decodedFrames: decodedFrames,
                             declaredFrames: Int((Double(decodedFrames) * Double(chunk.declared) / Double(chunk.actual)).rounded()))
        }
        let duration = Double(decodedFrames) / Double(source.sampleRate)
        guard decodedFrames > 0, duration >= limits.minDurationSeconds else {
            throw .tooShort(seconds: duration, minimumSeconds: limits.minDurationSeconds)
        }
    }

    /// Maps libsndfile's open failure (reported on the NULL handle) to a typed error.
    static func openError() -> AudioDecodingError {
        let detail = String(cString: sf_strerror(nil))
        switch sf_error(nil) {
        case Int32(SF_ERR_UNRECOGNISED_FORMAT): return .notAudio(detail: detail)
        case Int32(SF_ERR_UNSUPPORTED_ENCODING): return .unsupportedEncoding(detail: detail)
        default: return .malformed(detail: detail)
        }
    }
}

/// An `sf_open_virtual` result and, if it failed, why (read under the same lock).
struct OpenResult: @unchecked Sendable {
    var handle: OpaquePointer?
    var error: AudioDecodingError
}

/// The per-channel resamplers, handed to `concurrentPerform`: each iteration uses only its own
/// channel's resampler, so no two threads touch the same one.
private struct UncheckedResamplers: @unchecked Sendable {
    let list: [StreamingResampler]
    init(_ list: [StreamingResampler]) { self.list = list }
}

/// One result slot per channel, written by one thread each (plain pointer stores, no shared array
/// buffer) and read after all have finished.
private final class ChannelSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<[Float]>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [], count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    subscript(index: Int) -> [Float] {
        get { slots[index] }
        set { slots[index] = newValue }
    }
    var values: [[Float]] { Array(UnsafeBufferPointer(start: slots, count: count)) }
}
