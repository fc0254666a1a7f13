import FuzzSupport
import WebSocket

// Client bytes for a server-side WebSocketReader (maxMessageBytes 4096). Input:
//
//   byte 0: how the rest is split into appends: bits 0-1 = 0 all at once, 1 one byte at a time,
//           2 chunks of (byte0 >> 2) + 1 bytes, 3 chunk sizes 1-64 from a generator seeded by byte 0
//   rest:   the bytes a client sent (frames, or anything)
//
// Invariants beyond "no crash":
// - every message is returned or a WebSocketError is thrown whose code may be sent in a close frame
//   and whose reason fits one (<= 123 bytes); a failed reader keeps throwing the same error;
// - the split does not matter: one append of everything gives the same messages and error;
// - bufferedBytes <= maxMessageBytes + 139 + the last append, and <= maxMessageBytes + 139 once drained;
// - data messages are at most maxMessageBytes, control payloads at most 125 bytes;
// - each data, ping and pong message, re-encoded as a masked client frame (data also in two
//   fragments), reads back as the same message;
// - the rest taken as the payload of one text message (in two fragments, cut where byte 0 says) is
//   accepted with exactly those bytes when the standard library's `String(validating:)` accepts
//   them, and fails with 1007 otherwise (the incremental UTF-8 check against an independent one).
let maxMessageBytes = 4096
let slack = 139  // an incomplete header (< 14 bytes) or control frame (< 6 + 125)

struct Outcome: Equatable {
    var messages: [WebSocketMessage] = []
    var error: WebSocketError?
}

/// Sizes of successive appends for `pattern`.
struct Chunker {
    let pattern: UInt8
    var state: UInt32

    init(pattern: UInt8) {
        self.pattern = pattern
        state = UInt32(pattern) &* 2_654_435_761 | 1
    }

    mutating func next() -> Int {
        switch pattern & 3 {
        case 0: return Int.max
        case 1: return 1
        case 2: return Int(pattern >> 2) + 1
        default:
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return Int(state % 64) + 1
        }
    }
}

func check(_ error: WebSocketError) {
    precondition(error.code.isValidOnWire, "error code \(error.code.rawValue) may not be sent")
    precondition(error.reason.utf8.count <= 123, "reason too long for a close frame")
}

func check(_ message: WebSocketMessage) {
    switch message {
    case .text(let text): precondition(text.utf8.count <= maxMessageBytes)
    case .binary(let bytes): precondition(bytes.count <= maxMessageBytes)
    case .ping(let bytes), .pong(let bytes): precondition(bytes.count <= 125)
    case .close(let code, let reason):
        precondition(code?.isValidOnWire ?? true, "close code \(code!.rawValue) returned")
        precondition(reason.utf8.count <= 123)
    }
}

/// Reads `bytes` split by `chunker`, checking the buffer bound after every append and drain.
func read(_ bytes: ArraySlice<UInt8>, chunker: inout Chunker) -> Outcome {
    var reader = WebSocketReader(maxMessageBytes: maxMessageBytes)
    var outcome = Outcome()
    var start = bytes.startIndex
    repeat {
        let count = min(chunker.next(), bytes.endIndex - start)
        let end = start + count
        bytes[start..<end].withUnsafeBytes { reader.append($0) }
        start = end
        precondition(reader.bufferedBytes <= maxMessageBytes + slack + count, "bufferedBytes \(reader.bufferedBytes) after an append of \(count)")
        do {
            while let message = try reader.next() {
                check(message)
                outcome.messages.append(message)
            }
        } catch {
            check(error)
            outcome.error = error
            do {
                _ = try reader.next()
                preconditionFailure("a failed reader returned normally")
            } catch {
                precondition(error == outcome.error, "a failed reader threw something else")
            }
            return outcome
        }
        precondition(reader.bufferedBytes <= maxMessageBytes + slack, "bufferedBytes \(reader.bufferedBytes) after draining")
    } while start < bytes.endIndex
    return outcome
}

/// A fresh reader's messages for `bytes` given at once.
func readAll(_ bytes: [UInt8]) -> Outcome {
    var reader = WebSocketReader(maxMessageBytes: maxMessageBytes)
    reader.append(bytes)
    var outcome = Outcome()
    do {
        while let message = try reader.next() { outcome.messages.append(message) }
    } catch {
        outcome.error = error
    }
    return outcome
}

/// `message` encoded again as a client frame (data messages also as two fragments) reads back as itself.
func reencode(_ message: WebSocketMessage, pattern: UInt8) {
    let mask = (pattern, pattern &+ 1, ~pattern, 0x5A as UInt8)
    let encoded: [[UInt8]]
    switch message {
    case .text(let text):
        let bytes = Array(text.utf8)
        let cut = bytes.isEmpty ? 0 : Int(pattern) % (bytes.count + 1)
        encoded = [
            WebSocketFrame.encode(.text, payload: bytes, mask: mask),
            WebSocketFrame.encode(.text, payload: bytes[..<cut], fin: false, mask: mask)
                + WebSocketFrame.encode(.continuation, payload: bytes[cut...], mask: mask),
        ]
    case .binary(let bytes):
        let cut = bytes.isEmpty ? 0 : Int(pattern) % (bytes.count + 1)
        encoded = [
            WebSocketFrame.encode(.binary, payload: bytes, mask: mask),
            WebSocketFrame.encode(.binary, payload: bytes[..<cut], fin: false, mask: mask)
                + WebSocketFrame.encode(.continuation, payload: bytes[cut...], mask: mask),
        ]
    case .ping(let bytes): encoded = [WebSocketFrame.encode(.ping, payload: bytes, mask: mask)]
    case .pong(let bytes): encoded = [WebSocketFrame.encode(.pong, payload: bytes, mask: mask)]
    case .close: return
    }
    for frames in encoded {
        let again = readAll(frames)
        precondition(again == Outcome(messages: [message]), "re-encoded message read back differently")
    }
}

/// The UTF-8 check of a text message against the standard library's.
func checkText(_ payload: ArraySlice<UInt8>, pattern: UInt8) {
    let bytes = Array(payload.prefix(maxMessageBytes))
    let cut = bytes.isEmpty ? 0 : Int(pattern) % (bytes.count + 1)
    let mask: (UInt8, UInt8, UInt8, UInt8) = (0x11, pattern, 0x33, 0x44)
    let frames = WebSocketFrame.encode(.text, payload: bytes[..<cut], fin: false, mask: mask)
        + WebSocketFrame.encode(.continuation, payload: bytes[cut...], mask: mask)
    let outcome = readAll(frames)
    if let valid = String(validating: bytes, as: UTF8.self) {
        precondition(outcome == Outcome(messages: [.text(valid)]), "valid UTF-8 refused")
        precondition(Array(valid.utf8) == bytes, "text did not round-trip its bytes")
    } else {
        precondition(outcome.messages.isEmpty && outcome.error?.code == .invalidPayload, "invalid UTF-8 accepted")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzDriver.bytes(data, size)
    guard let pattern = input.first else { return 0 }
    let bytes = input[1...]
    var chunker = Chunker(pattern: pattern)
    let outcome = read(bytes, chunker: &chunker)
    precondition(readAll(Array(bytes)) == outcome, "the result depends on how the bytes were split")
    for message in outcome.messages { reencode(message, pattern: pattern) }
    checkText(bytes, pattern: pattern)
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
