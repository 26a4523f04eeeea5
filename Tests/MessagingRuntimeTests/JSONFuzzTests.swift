import TestSupport
import Testing
@testable import MessagingRuntime

/// Randomized robustness checks: the parser must parse or throw, never crash, on any input.
@Suite struct JSONFuzzTests {
    private static let seedDocuments = [
        #"{"email":"alice@example.com","password":"correct horse battery","role":"organizer"}"#,
        #"[1, -2.5e3, 0, true, false, null, "a\"b\\c\u00e9\ud83d\ude00", {"k": [], "o": {}}]"#,
        #"{"nested": {"deeper": [[[1, 2, {"x": "y"}]]]}, "n": 12345678901234567890}"#,
        "\"caf\u{E9} \u{1F600}\"",
    ]

    /// Bytes that are most likely to reach unusual parser states.
    private static let interestingBytes: [UInt8] = Array(#"{}[]",:\/-+.eE0123456789tfnulrsaxu"#.utf8)
        + [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xF0, 0xF4, 0xFF]

    private func parseOrThrow(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try JSONValue(parsing: bytes)
            return true
        } catch {
            #expect(error.offset >= 0 && error.offset <= bytes.count)
            #expect(error.line >= 1 && error.column >= 1)
            return false
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 1)
        var parsed = 0
        for _ in 0..<10_000 {
            let count = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &generator)
                    ? Self.interestingBytes.randomElement(using: &generator)!
                    : UInt8.random(in: 0...255, using: &generator)
            }
            if parseOrThrow(bytes) { parsed += 1 }
        }
        #expect(parsed > 0)
    }

    @Test func mutationsOfValidJSONNeverCrash() {
        var generator = SeededGenerator(seed: 2)
        var parsed = 0, failed = 0
        for _ in 0..<10_000 {
            var bytes = Array(Self.seedDocuments.randomElement(using: &generator)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                let byte = Self.interestingBytes.randomElement(using: &generator)!
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[index] = byte
                case 1: bytes.insert(byte, at: index)
                case 2: bytes.remove(at: index)
                default: bytes.removeSubrange(index...)  // truncate
                }
                if bytes.isEmpty { break }
            }
            if parseOrThrow(bytes) { parsed += 1 } else { failed += 1 }
        }
        #expect(parsed > 100 && failed > 100)
    }

    @Test func parsedValuesSurviveARoundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<2_000 {
            var bytes = Array(Self.seedDocuments.randomElement(using: &generator)!.utf8)
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = Self.interestingBytes.randomElement(using: &generator)!
            guard let value = try? JSONValue(parsing: bytes) else { continue }
            #expect(try JSONValue(parsing: value.serializedBytes()) == value)
            // the tape writes the same text as the parsed value, for the document and each member
            let fromTape = JSONTape.parse(bytes) { tape in
                [tape.serializedBytes(JSONTape.root)] + (tape.isObject(JSONTape.root) ? tape.members(of: JSONTape.root).map { tape.serializedBytes($0.value) } : [])
            }
            var expected = [value.serializedBytes()]
            if case .object(let object) = value { expected += object.members.map { $0.value.serializedBytes() } }
            #expect(try fromTape.get() == expected, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test func theTapeWritesWhatTheParsedValueWrites() throws {
        let texts = [
            #"{"\u0065mail":"a\"b\\c\n\u0001","é":"ü","n":[1,-0,2.5,1e300,-9223372036854775808,true,false,null],"o":{},"a":[]}"#,
            #" [ { "k" : "v" , "k" : [ [ ] , { } ] } , "\ud83d\ude00" , 0.1 ] "#,
            #""plain""#, "12", "null",
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            let value = try JSONValue(parsing: bytes)
            #expect(try JSONTape.parse(bytes) { $0.serializedBytes(JSONTape.root) }.get() == value.serializedBytes(), "\(text)")
        }
    }
}
