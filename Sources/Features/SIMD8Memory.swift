/// Eight floats at a time from and to raw buffers (unaligned), for the speech detector's vector loops.
enum SIMD8Memory {
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: 4 * offset, as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>, _ offset: Int) -> SIMD8<Float> {
        load(UnsafePointer(pointer), offset)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>, _ offset: Int) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, toByteOffset: 4 * offset, as: SIMD8<Float>.self)
    }
}
