import TestSupport
import Testing
@testable import MessagingRuntime

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONValue(parsing: text)
    }

    /// The error for `text`, which must fail to parse.
    private func failure(_ text: String) -> JSONParseError? {
        do {
            let value = try parse(text)
            Issue.record("expected \(text.debugDescription) to fail, parsed \(value)")
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesScalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse(" \t\r\nfalse \n") == .bool(false))
        #expect(try parse(#""hi""#) == .string("hi"))
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("42") == .int(42))
    }

    @Test func keepsMembersInDocumentOrderWithDuplicates() throws {
        let value = try parse(#"{"b": 1, "a": [true, null, {}], "b": "x", "c": []}"#)
        let expected: JSONValue = .object(JSONObject([
            .init(key: "b", value: 1), .init(key: "a", value: [true, nil, .object(JSONObject())]),
            .init(key: "b", value: "x"), .init(key: "c", value: []),
        ]))
        #expect(value == expected)
    }

    @Test func parsesTheLoginBody() throws {
        let body = #"{"email":"alice@example.com","password":"correct horse battery","role":"organizer"}"#
        let value = try JSONValue(parsing: Array(body.utf8))
        #expect(value == ["email": "alice@example.com", "password": "correct horse battery", "role": "organizer"])
    }

    @Test func acceptsAnyByteCollection() throws {
        let text = #"[1, "é", {"k": false}]"#
        let expected: JSONValue = [1, "é", ["k": false]]
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
        #expect(try JSONValue(parsing: Array(text.utf8)[...]) == expected)
        #expect(try JSONValue(parsing: text.utf8) == expected)
        #expect(try JSONValue(parsing: AnyCollection(text.utf8)) == expected)  // not contiguous
    }

    @Test(arguments: [
        ("1", JSONValue.int(1)), ("-1", .int(-1)), ("9223372036854775807", .int(.max)),
        ("-9223372036854775808", .int(.min)), ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("-9223372036854775809", .double(-9_223_372_036_854_775_808)),
        ("123456789012345678901234567890", .double(1.2345678901234568e29)),
        ("1.0", .double(1)), ("-0.0", .double(-0.0)), ("0.1", .double(0.1)), ("1e2", .double(100)),
        ("1E+2", .double(100)), ("12.5e-1", .double(1.25)), ("-1.5e3", .double(-1500)),
        ("0.000001", .double(0.000001)), ("1e-400", .double(0)), ("1.7976931348623157e308", .double(.greatestFiniteMagnitude)),
        ("5e-324", .double(.leastNonzeroMagnitude)), ("0.30000000000000004", .double(0.30000000000000004)),
        ("9007199254740993", .int(9_007_199_254_740_993)), ("9007199254740993.0", .double(9_007_199_254_740_992)),
        ("1e0000000000000000000000001", .double(10)),
    ])
    func parsesNumbers(text: String, expected: JSONValue) throws {
        let value = try parse(text)
        #expect(value == expected)
        if case .double(let parsed) = value, case .double(let wanted) = expected {
            #expect(parsed.sign == wanted.sign)
        }
    }

    @Test func numbersMatchSwiftsDoubleParser() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            let integer = String(UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0..<64, using: &generator))
            let fraction = String(UInt64.random(in: 0..<1_000_000_000_000, using: &generator))
            let exponent = Int.random(in: -30...30, using: &generator)
            let text = "\(Bool.random(using: &generator) ? "-" : "")\(integer).\(fraction)e\(exponent)"
            #expect(try parse(text) == .double(Double(text)!), "\(text)")
        }
    }

    @Test(arguments: [
        ("1e309", "number out of range"), ("-1e400", "number out of range"),
        ("01", "leading zeros are not allowed"), ("-01", "leading zeros are not allowed"),
        ("+1", "unexpected character '+'"), (".5", "unexpected character '.'"),
        ("1.", "expected a digit after the decimal point"), ("1.e5", "expected a digit after the decimal point"),
        ("1e", "expected a digit in the exponent"), ("1e+", "expected a digit in the exponent"),
        ("-", "expected a digit"), ("-a", "expected a digit"), ("NaN", "unexpected character 'N'"),
        ("Infinity", "unexpected character 'I'"), ("-Infinity", "expected a digit"), ("0x10", "unexpected data after the JSON value"),
    ])
    func rejectsMalformedNumbers(text: String, message: String) {
        #expect(failure(text)?.message == message)
    }

    @Test func decodesEscapes() throws {
        #expect(try parse(#""a\"b\\c\/d\be\ff\ng\rh\ti""#) == .string("a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti"))
        #expect(try parse(#""\u0041\u00e9\u4F60\u0000""#) == .string("Aé你\u{0}"))
        #expect(try parse(#""\uD83D\uDE00!""#) == .string("😀!"))
        #expect(try parse(#""x\ud83d\ude00""#) == .string("x😀"))
        #expect(try parse("\"caf\u{E9} \u{1F600} \\n\"") == .string("café 😀 \n"))
    }

    @Test func acceptsValidUTF8AndLongStrings() throws {
        let long = String(repeating: "abcdefghé😀", count: 1000)
        #expect(try parse("\"\(long)\"") == .string(long))
        #expect(try JSONValue(parsing: [0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]) == .string("\u{10FFFF}"))
    }

    @Test(arguments: [
        ([0x22, 0xFF, 0x22], "invalid UTF-8"),  // never valid
        ([0x22, 0xC0, 0xAF, 0x22], "invalid UTF-8"),  // overlong
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], "invalid UTF-8"),  // overlong
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8"),  // encoded surrogate
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "invalid UTF-8"),  // above U+10FFFF
        ([0x22, 0xC3, 0x22], "invalid UTF-8"),  // truncated
        ([0x22, 0x80, 0x22], "invalid UTF-8"),  // lone continuation
        ([0x22, 0xE2, 0x82], "invalid UTF-8"),  // truncated at the end
        ([0x22, 0x61, 0x5C, 0x6E, 0xFF, 0x22], "invalid UTF-8"),  // after an escape
        ([0x22, 0x61, 0x09, 0x62, 0x22], "unescaped control character in string"),
        ([0x22, 0x0A, 0x22], "unescaped control character in string"),
        ([0x22, 0x5C, 0x6E, 0x1F, 0x22], "unescaped control character in string"),
        ([0x5B, 0xFF, 0x5D], "unexpected byte 0xFF"),
    ] as [([UInt8], String)])
    func rejectsBadStringBytes(bytes: [UInt8], message: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes) }
        do {
            _ = try JSONValue(parsing: bytes)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test(arguments: [
        (#""\x""#, "invalid escape sequence"), (#""\'""#, "invalid escape sequence"),
        (#""\u12""#, #"invalid \u escape"#), (#""\u12G4""#, #"invalid \u escape"#),
        (#""\uD800""#, #"unpaired surrogate in \u escape"#), (#""\uDC00""#, #"unpaired surrogate in \u escape"#),
        (#""\uD800\u0041""#, #"unpaired surrogate in \u escape"#), (#""\uD800\n""#, #"unpaired surrogate in \u escape"#),
        (#""\uD800\uD800""#, #"unpaired surrogate in \u escape"#), (#""abc"#, "unterminated string"),
        (#""abc\"#, "unterminated string"), (#""\n"#, "unterminated string"), ("'a'", "unexpected character '''"),
    ])
    func rejectsBadStrings(text: String, message: String) {
        #expect(failure(text)?.message == message)
    }

    @Test(arguments: [
        ("", "unexpected end of input"), ("   ", "unexpected end of input"), ("[1,]", "unexpected character ']'"),
        ("[1 2]", "expected ',' or ']'"), (#"{"a":1,}"#, "expected a string key"), (#"{"a" 1}"#, "expected ':'"),
        (#"{"a":1 "b":2}"#, "expected ',' or '}'"), ("{1:2}", "expected a string key"), (#"{"a"}"#, "expected ':'"),
        ("[", "unexpected end of input"), ("[1", "unexpected end of input"), (#"{"a":"#, "unexpected end of input"),
        ("{", "unexpected end of input"), (#"{"a":1"#, "unexpected end of input"), ("tru", "invalid literal, expected 'true'"),
        ("nul", "invalid literal, expected 'null'"), ("True", "unexpected character 'T'"), ("falsy", "invalid literal, expected 'false'"),
        ("[] []", "unexpected data after the JSON value"), ("1 // comment", "unexpected data after the JSON value"),
        ("/* c */ 1", "unexpected character '/'"), ("\u{C}1", "unexpected byte 0x0C"), ("\u{A0}1", "unexpected byte 0xC2"),
        ("[1]\u{0}", "unexpected data after the JSON value"), ("nullx", "unexpected data after the JSON value"),
    ])
    func rejectsMalformedStructure(text: String, message: String) {
        #expect(failure(text)?.message == message)
    }

    @Test func reportsLineAndColumn() throws {
        let error = try #require(failure(#"{"a":1 "b":2}"#))
        #expect(error.offset == 7)
        #expect(error.line == 1)
        #expect(error.column == 8)
        #expect(error.description == "invalid JSON at line 1, column 8: expected ',' or '}'")

        let multiline = try #require(failure("{\n  \"é\": [1,\n    2,,\n]}"))
        #expect((multiline.line, multiline.column, multiline.offset) == (3, 7, 20))
        #expect(multiline.message == "unexpected character ','")

        let atEnd = try #require(failure("[\n"))
        #expect((atEnd.line, atEnd.column, atEnd.offset) == (2, 1, 2))
    }

    @Test func limitsNestingDepth() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try parse(deepest) }
        let objects = String(repeating: #"{"a":"#, count: 512) + "1" + String(repeating: "}", count: 512)
        #expect(throws: Never.self) { try parse(objects) }

        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(failure(tooDeep)?.message == "nesting deeper than 512 levels")
        #expect(failure(tooDeep)?.offset == 512)
        #expect(failure(String(repeating: "[", count: 1_000_000))?.message == "nesting deeper than 512 levels")
        #expect(failure(String(repeating: #"{"":"#, count: 100_000))?.message == "nesting deeper than 512 levels")
    }

    @Test func depthIsPerPathNotTotal() throws {
        let wide = "[" + Array(repeating: "[[[]]]", count: 2000).joined(separator: ",") + "]"
        #expect(throws: Never.self) { try parse(wide) }
    }
}
