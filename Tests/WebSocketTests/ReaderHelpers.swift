import Testing
@testable import WebSocket

/// What a reader made of some input: the messages it returned, then the error it threw (if any).
struct ReadOutcome: Equatable, CustomStringConvertible {
    var messages: [WebSocketMessage] = []
    var error: WebSocketError?

    var description: String { "\(messages.count) messages \(messages.map { "\($0)".prefix(60) }), error \(error.map { "\($0)" } ?? "none")" }
}

/// Feeds `bytes` to a fresh reader in pieces of `chunkSizes` (cycled; all at once when empty),
/// taking messages after every piece.
func read(_ bytes: [UInt8], maxMessageBytes: Int = 1 << 20, expectMasked: Bool = true, chunkSizes: [Int] = []) -> ReadOutcome {
    var reader = WebSocketReader(maxMessageBytes: maxMessageBytes, expectMasked: expectMasked)
    var outcome = ReadOutcome()
    var start = 0
    var chunk = 0
    repeat {
        let size = chunkSizes.isEmpty ? bytes.count : max(1, chunkSizes[chunk % chunkSizes.count])
        let end = min(bytes.count, start + size)
        reader.append(Array(bytes[start..<end]))
        start = end
        chunk += 1
        do {
            while let message = try reader.next() { outcome.messages.append(message) }
        } catch {
            outcome.error = error
            return outcome
        }
    } while start < bytes.count
    return outcome
}

/// A client (masked) frame.
func clientFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true, mask: (UInt8, UInt8, UInt8, UInt8) = (1, 2, 3, 4)) -> [UInt8] {
    WebSocketFrame.encode(opcode, payload: payload, fin: fin, mask: mask)
}

/// Expects `bytes` (client frames) to fail the connection with `code`.
func expectFailure(_ bytes: [UInt8], _ code: WebSocketCloseCode, maxMessageBytes: Int = 1 << 20, expectMasked: Bool = true,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let outcome = read(bytes, maxMessageBytes: maxMessageBytes, expectMasked: expectMasked)
    #expect(outcome.error?.code == code, "\(outcome)", sourceLocation: sourceLocation)
    // The same verdict whatever way the bytes arrive.
    let trickled = read(bytes, maxMessageBytes: maxMessageBytes, expectMasked: expectMasked, chunkSizes: [1])
    #expect(trickled == outcome, sourceLocation: sourceLocation)
}
