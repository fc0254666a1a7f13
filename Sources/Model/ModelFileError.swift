import NeuralNet

/// Why a model file could not be loaded. Every case names the file; tensor-level problems name the
/// offending tensor (through the network or safetensors error).
public enum ModelFileError: Error, Sendable, CustomStringConvertible {
    /// The file is not a valid safetensors file, or its tensors do not fit the architecture.
    case network(file: String, NetworkError)
    /// The `ser_manifest` metadata entry is missing or not valid manifest JSON.
    case invalidManifest(file: String, reason: String)
    /// The manifest contradicts itself or the network (labels vs outputs, rows vs input channels, ...).
    case inconsistent(file: String, reason: String)
    /// The file cannot be written.
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .network(let file, let error): "\(file): \(error)"
        case .invalidManifest(let file, let reason): "\(file): invalid model manifest: \(reason)"
        case .inconsistent(let file, let reason): "\(file): manifest does not match the network: \(reason)"
        case .cannotWrite(let file, let reason): "\(file): cannot write model: \(reason)"
        }
    }
}
