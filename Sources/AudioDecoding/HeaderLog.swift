import CSndFile

/// Reads libsndfile's parse log (`SFC_GET_LOG_INFO`) for what its API does not expose.
///
/// For RIFF/AIFF files whose data chunk is shorter than the header declares, libsndfile quietly
/// clamps the length and logs `data : 64000 (should be 32000)`. A call recording cut off in transit
/// must be reported as truncated, not analysed as if complete, so the decoder looks for that line.
enum HeaderLog {
    /// Sentinel sizes that streaming writers (ffmpeg to a pipe, live recorders) put in the header when they
    /// cannot know the length yet: not a lie, so not truncation.
    static let unknownLengthSentinels: Set<Int> = [0, 0x7FFF_FFFF, 0xFFFF_FFFF, Int.max]

    /// The declared and actual byte sizes of the sound data chunk when the header declares more than
    /// the file holds, or nil.
    static func shortDataChunk(_ handle: OpaquePointer) -> (declared: Int, actual: Int)? {
        var buffer = [CChar](repeating: 0, count: 8192)
        let length = buffer.withUnsafeMutableBufferPointer { pointer in
            sf_command(handle, Int32(SFC_GET_LOG_INFO), pointer.baseAddress, Int32(pointer.count))
        }
        guard length > 0 else { return nil }
        let log = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return shortDataChunk(inLog: log)
    }

    /// Parses lines like `data : 64000 (should be 32000)` or `SSND : 64008 (should be 32008)`.
    static func shortDataChunk(inLog log: String) -> (declared: Int, actual: Int)? {
        for line in log.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("data") || trimmed.hasPrefix("SSND"),
                  let colon = trimmed.firstIndex(of: ":"),
                  let open = trimmed.firstIndex(of: "(") else { continue }
            let declaredText = trimmed[trimmed.index(after: colon)..<open].filter { $0 != " " }
            let rest = trimmed[trimmed.index(after: open)...]
            guard rest.hasPrefix("should be ") else { continue }
            let actualText = rest.dropFirst("should be ".count).prefix { $0.isNumber }
            guard let declared = Int(declaredText), let actual = Int(actualText) else { continue }
            if declared > actual, !unknownLengthSentinels.contains(declared) { return (declared, actual) }
        }
        return nil
    }
}
