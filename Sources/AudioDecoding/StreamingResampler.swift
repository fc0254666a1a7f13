import CSoxr

/// Band-limited resampling of one channel delivered in blocks (libsoxr's streaming interface), so
/// long audio is converted with memory bounded by the block size. Output equals `Resampler`'s one-shot
/// conversion of the whole signal up to floating-point rounding, with the same total length.
public final class StreamingResampler {
    public let inputRate: Int
    public let outputRate: Int
    private let soxr: soxr_t

    public init(from inputRate: Int, to outputRate: Int, quality: Resampler.Quality = .high) {
        precondition(inputRate > 0 && outputRate > 0, "StreamingResampler rates must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(quality.recipe, 0)
        // DFT blocks of at most 2^10: soxr releases output every few input blocks instead of every
        // ~100 ms (8 kHz to 16 kHz), so a live stream's segment waits 20-50 ms for the filter, not up to
        // 115 ms. The filter, and so the samples, are the same up to float rounding.
        var runtime = soxr_runtime_spec(1)
        runtime.log2_large_dft_size = 10
        let created = soxr_create(Double(inputRate), Double(outputRate), 1, &error, &io, &quality, &runtime)
        // soxr_create fails only on invalid arguments or allocation failure, ruled out above.
        precondition(error == nil && created != nil, "soxr_create failed")
        soxr = created!
    }

    deinit { soxr_delete(soxr) }

    /// Resamples the next block; may return fewer samples than the ratio suggests (the filter's
    /// delay is released by `finish()`).
    public func process(_ block: [Float]) -> [Float] {
        run(block, flush: false)
    }

    /// The remaining output after the last block.
    public func finish() -> [Float] {
        run([], flush: true)
    }

    /// soxr writes straight into the result's storage (grown when a call fills it), so each output
    /// sample is written once, not via a scratch buffer.
    private func run(_ block: [Float], flush: Bool) -> [Float] {
        var result = [Float](repeating: 0, count: Int(Double(block.count) * Double(outputRate) / Double(inputRate)) + 64)
        var consumed = 0, produced = 0
        repeat {
            if produced == result.count { result += [Float](repeating: 0, count: max(64, result.count / 2)) }
            var inputDone = 0, outputDone = 0
            let remaining = block.count - consumed
            let room = result.count - produced
            block.withUnsafeBufferPointer { input in
                result.withUnsafeMutableBufferPointer { out in
                    let start: UnsafeRawPointer? = flush ? nil : input.baseAddress.map { UnsafeRawPointer($0 + consumed) }
                    _ = soxr_process(soxr, start, flush ? 0 : remaining, &inputDone, out.baseAddress! + produced, room, &outputDone)
                }
            }
            consumed += inputDone
            produced += outputDone
            // Flushing: repeat until soxr has nothing left; streaming: until the block is consumed
            // and soxr did not fill the room it was given.
            if flush ? outputDone == 0 : (consumed >= block.count && outputDone < room) { break }
        } while true
        result.removeLast(result.count - produced)
        return result
    }
}
