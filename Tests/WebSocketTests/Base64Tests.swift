import Testing
@testable import WebSocket

/// Base64 against RFC 4648 §10, and the strictness of the decoder.
@Suite("Base64")
struct Base64Tests {
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(plain.utf8) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func everyByteValueRoundTrips() {
        let all = (0...255).map { UInt8($0) }
        for count in 0...all.count {
            let bytes = Array(all.prefix(count).reversed())
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
    }

    /// Only the canonical encoding decodes: length a multiple of 4, alphabet only, padding only at the
    /// end, zero bits before the padding, no whitespace, no URL-safe alphabet.
    @Test(arguments: ["Zg=", "Zg", "Z", "Zh==", "Zm9=", "Z===", "====", "Zg==Zg==", "Zm=v", "Zm 9v", "Zm9v\n", " Zm9v",
                      "Zm9v-_==", "Zm9vYg=\u{0}", "Zm9vYmFy="])
    func refusesNonCanonicalInput(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    /// A handshake key: 16 random bytes give 24 characters ending in "==".
    @Test func sixteenByteKey() {
        var random = SplitMix(seed: 1)
        let key = random.bytes(16)
        let text = Base64.encode(key)
        #expect(text.utf8.count == 24 && text.hasSuffix("=="))
        #expect(Base64.decode(text) == key)
    }
}
