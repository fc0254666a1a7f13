import AudioDecoding
import FuzzSupport

// Any bytes through the audio decoder: it must return audio or a typed AudioDecodingError, never
// crash, hang or allocate without bound. The limits are the server's defaults except a shorter
// maximum duration, so libFuzzer's -rss_limit_mb catches decoders that allocate past the limit.
let decoder = AudioDecoder(limits: AudioLimits(maxDurationSeconds: 60))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzDriver.bytes(data, size)
    do throws(AudioDecodingError) {
        let audio = try decoder.decode(bytes)
        // What the service does next with decoded audio.
        precondition(audio.channels.allSatisfy { $0.count == audio.channels[0].count })
        _ = audio.resampled(to: 16000).mixdown()
    } catch {
        _ = error.code
        _ = error.description
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
