/// Float draws for the engine (initialisation, dropout masks) from the data side's `SeededGenerator`.
extension SeededGenerator {
    /// Uniform in [0, 1), 24 random bits.
    mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Standard normal.
    mutating func nextNormal() -> Float { Float(gaussian()) }
}
