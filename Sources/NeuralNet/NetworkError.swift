/// Why a network could not be built, loaded or run.
public enum NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The architecture is inconsistent (`layer` is the index in `NetworkSpec.layers`, nil for the input).
    case invalidSpec(layer: Int?, reason: String)
    /// The input's time axis is shorter than the architecture needs (every conv/pool output ≥ 1 frame).
    case inputTooShort(time: Int, minimum: Int)
    /// The input's rank or fixed extents differ from `NetworkSpec.inputShape`.
    case invalidInput(reason: String)
    /// The tensors' names differ from the architecture's: both lists name every offending key.
    case parameterKeyMismatch(missing: [String], unexpected: [String])
    /// A tensor has the right name but the wrong shape.
    case parameterShapeMismatch(name: String, expected: [Int], actual: [Int])
    /// A model file has no usable `network_spec` metadata entry.
    case invalidSpecMetadata(file: String, reason: String)
    /// The model file itself is malformed.
    case modelFile(SafeTensorsError)

    public var description: String {
        switch self {
        case let .invalidSpec(layer?, reason): "invalid network spec at layer \(layer): \(reason)"
        case let .invalidSpec(nil, reason): "invalid network spec: \(reason)"
        case let .inputTooShort(time, minimum):
            "input has \(time) frames but the network needs at least \(minimum)"
        case let .invalidInput(reason): "invalid network input: \(reason)"
        case let .parameterKeyMismatch(missing, unexpected):
            "parameter names do not match the architecture; missing: \(missing.isEmpty ? "none" : missing.joined(separator: ", ")); "
                + "unexpected: \(unexpected.isEmpty ? "none" : unexpected.joined(separator: ", "))"
        case let .parameterShapeMismatch(name, expected, actual):
            "parameter \(name) has shape \(actual) but the architecture needs \(expected)"
        case let .invalidSpecMetadata(file, reason): "\(file): no usable network_spec metadata: \(reason)"
        case let .modelFile(error): error.description
        }
    }
}
