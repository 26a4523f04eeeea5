import Foundation
import MessagingRuntime
import TestSupport
import Testing

/// The dedicated matcher for simple patterns must answer exactly as the regex engine does.
@Suite struct PatternTests {
    static let simplePatterns = [
        "^[A-Z]{3}$", "^[0-9]{4}$", "^[A-Z]{1,2}$", "^[A-Z]{2,4}-[0-9]+$", "[a-z]", "^a*b+c?$", "x{2,}", "^\\d{3}-\\d{2}$",
        "^[^a-z]+$", "^[A-Za-z0-9._%+\\-]+@[A-Za-z0-9.\\-]+\\.[A-Za-z]{2,}$", "\\w+", "^.{2,5}$", "ab", "^$", "a.c",
        "^[\\d\\-]+$", "^\\W*$", "^[\\]a]+$", "\\.", "^[a-c-]$", "^\\D{2}", "^a{0}b$", "^[+\\-]?[0-9]+$",
    ]
    static let complexPatterns = ["^(ab)+$", "a|b", "^\\s+$", "^[[:alpha:]]+$", "(?i)abc", "^a+?b$", "\\bword\\b", "^é+$"]
    /// Swift's regex engine misjudges `\w` beside some non-ASCII scalars (it finds no word character
    /// in "0\u{2028}"), so the random comparison keeps to scalars it handles; `followsJSONSchemaSemantics`
    /// checks the others against the right answers.
    static let alphabet: [Character] = ["a", "b", "c", "x", "A", "Z", "0", "9", "-", ".", "@", "_", " ", "\n", "é", "+", "]", "%"]

    @Test(arguments: simplePatterns)
    func dedicatedMatcherAgreesWithTheRegexEngine(pattern source: String) {
        let pattern = Pattern(source)
        #expect(pattern.isSimple, "\(source) should use the dedicated matcher")
        var random = SeededGenerator(seed: UInt64(truncatingIfNeeded: source.hashValue & 0xFFFF) | 1)
        var checked = 0
        for length in 0...8 {
            for _ in 0..<150 {
                let text = String((0..<length).map { _ in Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))] })
                #expect(pattern.matches(text) == pattern.matchesWithRegexEngine(text), "/\(source)/ on \(text.unicodeScalars.map { String($0.value, radix: 16) })")
                checked += 1
            }
        }
        for text in ["EUR", "EUR\n", "ab-12", "AB-", "alice@example.com", "alice@example.com\n", "é", "٣٣٣-٣٣"] {
            #expect(pattern.matches(text) == pattern.matchesWithRegexEngine(text), "/\(source)/ on \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(checked > 1000)
    }

    @Test(arguments: complexPatterns)
    func otherPatternsUseTheRegexEngine(pattern source: String) {
        #expect(Pattern.isValid(source))
        #expect(!Pattern(source).isSimple)
    }

    @Test func followsJSONSchemaSemantics() {
        #expect(!Pattern("^[A-Z]{3}$").matches("EUR\n"), "$ is the very end, as in ECMA-262")
        #expect(Pattern("[0-9]").matches("ab1"), "unanchored: searched anywhere")
        #expect(!Pattern("^\\d$").matches("٣"), "\\d is ASCII")
        #expect(Pattern("^.$").matches("é"), "one scalar")
        #expect(!Pattern("^.$").matches("e\u{301}"), "two scalars")
        #expect(!Pattern("^.$").matches("\u{2028}"))
        #expect(!Pattern.isValid("^[A-Z"))
        #expect(Pattern("\\w+").matches("0\u{2028}"))
        #expect(Pattern("\\w+").matches("%9٣+"))
        #expect(!Pattern("^\\W*$").matches("0٣"))
        #expect(Pattern("^\\W*$").matches("٣\u{2028}"))
    }
}

@Suite struct UUIDValueTests {
    @Test func uuidFieldsDecodeToTheSameValueAsFoundation() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &bytes) { raw in
                for index in raw.indices { raw[index] = UInt8(truncatingIfNeeded: random.next()) }
            }
            let uuid = UUID(uuid: bytes)
            for text in [uuid.uuidString, uuid.uuidString.lowercased()] {
                var issues: [ValidationIssue] = []
                #expect(Validation.uuid(.string(text), at: .root, &issues) == uuid)
                #expect(issues.isEmpty)
            }
        }
        var issues: [ValidationIssue] = []
        #expect(Validation.uuid("3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0g", at: .root, &issues) == nil)
        #expect(issues.map(\.code) == [.invalidFormat])
    }
}
