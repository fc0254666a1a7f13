import CSoxr

/// Band-limited resampling of one channel delivered in blocks (libsoxr's streaming interface), so
/// long audio is converted with memory bounded by the block size. Output equals `Resampler`'s one-shot
/// conversion of the whole signal up to floating-point rounding, with the same total length.
public final class StreamingResampler {
    public let inputRate: Int
    public let outputRate: Int
    private let soxr: soxr_t
    private var output: [Float] = []

    public init(from inputRate: Int, to outputRate: Int, quality: Resampler.Quality = .high) {
        precondition(inputRate > 0 && outputRate > 0, "StreamingResampler rates must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(quality.recipe, 0)
        let created = soxr_create(Double(inputRate), Double(outputRate), 1, &error, &io, &quality, nil)
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

    private func run(_ block: [Float], flush: Bool) -> [Float] {
        let expected = Int(Double(block.count) * Double(outputRate) / Double(inputRate)) + 64
        if output.count < expected { output = [Float](repeating: 0, count: expected) }
        var result: [Float] = []
        result.reserveCapacity(expected)
        var consumed = 0
        repeat {
            var inputDone = 0, outputDone = 0
            let remaining = block.count - consumed
            block.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    let start: UnsafeRawPointer? = flush ? nil : input.baseAddress.map { UnsafeRawPointer($0 + consumed) }
                    _ = soxr_process(soxr, start, flush ? 0 : remaining, &inputDone, out.baseAddress, out.count, &outputDone)
                }
            }
            consumed += inputDone
            result.append(contentsOf: output[0..<outputDone])
            // Flushing: repeat until soxr has nothing left; streaming: until the block is consumed.
            if flush ? outputDone == 0 : (consumed >= block.count && outputDone < output.count) { break }
        } while true
        return result
    }
}
