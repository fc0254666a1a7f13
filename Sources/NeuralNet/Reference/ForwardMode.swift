/// Whether a batched reference forward trains (batch statistics, dropout active) or evaluates (running
/// statistics, dropout off: the same function as `Network.forward`).
public enum ForwardMode: Sendable, Equatable {
    case training
    case evaluation
}
