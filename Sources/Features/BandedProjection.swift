import LinearAlgebra

/// A filterbank applied to power spectra as `filters [bands, bins] · spectraᵀ` → `[bands, frames]`,
/// in blocks of consecutive bands, each multiplied over only the bin range where any of its weights
/// is non-zero.
///
/// Mel filters are narrow triangles: a block of 16 adjacent mel bands touches a fraction of the
/// `binCount` bins (for the default 64 Slaney bands at 16 kHz / n_fft 512, about 270 of 4 × 257 bin
/// columns in all), so the `gemm`s do about a quarter of a dense product's multiply-adds. The
/// skipped terms are exact zeros (`0 · p` for finite power `p`), and the kept ones are accumulated in
/// the same order, so the values are those of the dense product.
struct BandedProjection {
    /// Bands `rows` of the filterbank have all their non-zero weights inside `bins`.
    struct Block {
        let rows: Range<Int>
        let bins: Range<Int>
    }

    let filters: Matrix
    let blocks: [Block]

    init(filters: Matrix, bandsPerBlock: Int = 16) {
        self.filters = filters
        var blocks: [Block] = []
        var first = 0
        while first < filters.rows {
            let rows = first..<min(filters.rows, first + bandsPerBlock)
            var low = filters.columns, high = 0
            for r in rows {
                for c in 0..<filters.columns where filters[r, c] != 0 {
                    low = min(low, c)
                    high = max(high, c + 1)
                }
            }
            blocks.append(Block(rows: rows, bins: low < high ? low..<high : 0..<0))
            first = rows.upperBound
        }
        self.blocks = blocks
    }

    /// `[bands, frames]`, every element written (all-zero blocks as zeros).
    func apply(to spectrogram: PowerSpectrogram) -> Matrix {
        precondition(spectrogram.binCount == filters.columns, "spectrogram has \(spectrogram.binCount) bins, filters expect \(filters.columns)")
        let bins = filters.columns, frames = spectrogram.frameCount
        return Matrix(rows: filters.rows, columns: frames) { c in
            filters.values.withUnsafeBufferPointer { a in
                spectrogram.frames.values.withUnsafeBufferPointer { b in
                    for block in blocks {
                        let output = c.baseAddress! + block.rows.lowerBound * frames
                        guard !block.bins.isEmpty else {
                            output.update(repeating: 0, count: block.rows.count * frames)
                            continue
                        }
                        // Rows `block.rows`, columns `block.bins` of the filters; the same columns of
                        // every spectrum (op(B) = spectraᵀ, so its rows `block.bins`).
                        gemm(.none, .transposed, m: block.rows.count, n: frames, k: block.bins.count,
                             a: a.baseAddress! + block.rows.lowerBound * bins + block.bins.lowerBound, lda: bins,
                             b: b.baseAddress! + block.bins.lowerBound, ldb: bins,
                             c: output, ldc: max(1, frames))
                    }
                }
            }
        }
    }
}
