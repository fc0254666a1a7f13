/// Per-worker scratch memory for `Network.forward`: two activation buffers (ping-pong between layers)
/// and one scratch buffer (im2col tiles, recurrent gate projections, attention weights).
///
/// Allocate one per worker thread (it is not thread-safe and not `Sendable`) and reuse it for every
/// request: buffers are sized on first use, or up front with `reserve(for:maximumTime:)`, and only grow
/// when a longer input arrives, so steady-state inference allocates nothing but the returned output.
/// One workspace may serve several networks; it grows to the largest need.
public final class Workspace {
    /// How convolutions tile their im2col matrices (see `ConvolutionTiling`).
    public let tiling: ConvolutionTiling
    private(set) var activations: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
    private(set) var scratch: UnsafeMutablePointer<Float>
    /// Floats in each activation buffer.
    public private(set) var activationCapacity = 0
    /// Floats in the scratch buffer.
    public private(set) var scratchCapacity = 0

    /// Alignment of every buffer in bytes (one cache line, and the AVX-512 vector size).
    static let alignment = 64

    public init(tiling: ConvolutionTiling = ConvolutionTiling()) {
        self.tiling = tiling
        activations = (Self.allocate(0), Self.allocate(0))
        scratch = Self.allocate(0)
    }

    /// A workspace already sized for inputs of up to `maximumTime` frames of `network`.
    public convenience init(network: Network, maximumTime: Int, tiling: ConvolutionTiling = ConvolutionTiling()) throws(NetworkError) {
        self.init(tiling: tiling)
        try reserve(for: network, maximumTime: maximumTime)
    }

    /// Grows the buffers for inputs of up to `maximumTime` frames of `network`.
    public func reserve(for network: Network, maximumTime: Int) throws(NetworkError) {
        let need = try network.requirements(time: max(maximumTime, network.minimumTime), tiling: tiling)
        ensure(activation: need.activation, scratch: need.scratch)
    }

    func ensure(activation: Int, scratch scratchNeed: Int) {
        if activation > activationCapacity {
            Self.free(activations.0)
            Self.free(activations.1)
            activations = (Self.allocate(activation), Self.allocate(activation))
            activationCapacity = activation
        }
        if scratchNeed > scratchCapacity {
            Self.free(scratch)
            scratch = Self.allocate(scratchNeed)
            scratchCapacity = scratchNeed
        }
    }

    deinit {
        Self.free(activations.0)
        Self.free(activations.1)
        Self.free(scratch)
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: alignment)
        return raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
    }

    private static func free(_ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
