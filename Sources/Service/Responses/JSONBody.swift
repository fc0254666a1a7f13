#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPServer

extension HTTPResponse {
    /// A JSON response with `body` encoded by its `Encodable` conformance.
    static func json(_ status: Int, encoding body: some Encodable) -> HTTPResponse {
        .json(status, encodedJSON(body))
    }
}

/// `body` as JSON bytes. Sorted keys: the same bytes for the same answer in every process (a keyed
/// container's order is not kept). The types hold plain strings, finite numbers, arrays and objects:
/// encoding cannot fail.
func encodedJSON(_ body: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return [UInt8](try! encoder.encode(body))
}

/// `value` rounded to `digits` decimals, as the API reports measurements (JSON has no NaN or
/// infinity: those become nil, encoded as null).
func rounded(_ value: Double, digits: Int) -> Double? {
    guard value.isFinite else { return nil }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    return (value * scale).rounded() / scale
}

/// A JSON object key known only at run time (a label name).
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
