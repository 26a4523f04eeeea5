import Foundation
import TestSupport
import Testing
@testable import MessagingRuntime

@Suite struct JSONWriterTests {
    @Test func writesCompactJSON() {
        let value: JSONValue = ["a": 1, "b": [true, nil], "c": [:], "d": [], "e": "x"]
        #expect(value.serialized() == #"{"a":1,"b":[true,null],"c":{},"d":[],"e":"x"}"#)
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
    }

    @Test func writesPrettyJSON() {
        let value: JSONValue = ["name": "Ada", "tags": ["x", 2], "empty": [], "none": [:], "inner": ["k": nil]]
        let expected = """
            {
              "name": "Ada",
              "tags": [
                "x",
                2
              ],
              "empty": [],
              "none": {},
              "inner": {
                "k": null
              }
            }
            """
        #expect(value.serialized(pretty: true) == expected)
        #expect(JSONValue.array([]).serialized(pretty: true) == "[]")
        #expect(JSONValue.string("s").serialized(pretty: true) == #""s""#)
    }

    @Test func keepsMemberOrderAndDuplicates() {
        let object = JSONObject([.init(key: "z", value: 1), .init(key: "a", value: 2), .init(key: "z", value: 3)])
        #expect(JSONValue.object(object).serialized() == #"{"z":1,"a":2,"z":3}"#)
    }

    @Test func escapesStrings() {
        let text = "q\" b\\ s/ n\n r\r t\t b\u{8} f\u{C} nul\u{0} us\u{1F} del\u{7F} é 😀"
        let expected = #""q\" b\\ s/ n\n r\r t\t b\b f\f nul\u0000 us\u001f del"# + "\u{7F} é 😀\""
        #expect(JSONValue.string(text).serialized() == expected)
        #expect(JSONValue.string("\u{1B}").serialized() == #""\u001b""#)
        #expect(JSONValue.object(JSONObject([.init(key: "a\"b", value: nil)])).serialized() == #"{"a\"b":null}"#)
    }

    @Test(arguments: [
        (JSONValue.int(0), "0"), (.int(-7), "-7"), (.int(.max), "9223372036854775807"),
        (.int(.min), "-9223372036854775808"), (.double(1), "1.0"), (.double(-0.0), "-0.0"), (.double(0.1), "0.1"),
        (.double(1e300), "1e+300"), (.double(-2.5e-8), "-2.5e-08"), (.double(123456.0), "123456.0"),
        (.double(9_007_199_254_740_992), "9007199254740992.0"), (.double(-9_007_199_254_740_992), "-9007199254740992.0"),
        (.double(.leastNonzeroMagnitude), "5e-324"), (.double(.greatestFiniteMagnitude), "1.7976931348623157e+308"),
        (.double(.nan), "null"), (.double(.infinity), "null"), (.double(-.infinity), "null"),
    ])
    func writesNumbers(value: JSONValue, expected: String) {
        #expect(value.serialized() == expected)
    }

    @Test func everyFiniteDoubleRoundTrips() throws {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<50_000 {
            let number = JSONValue.randomDouble(using: &generator)
            let parsed = try JSONValue(parsing: JSONValue.double(number).serializedBytes())
            guard case .double(let back) = parsed else {
                Issue.record("\(number) parsed back as \(parsed)")
                continue
            }
            #expect(back.bitPattern == number.bitPattern, "\(number)")
        }
    }

    @Test func integralDoublesKeepAFraction() {
        var generator = SeededGenerator(seed: 12)
        for _ in 0..<10_000 {
            let number = Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &generator))
            #expect(JSONValue.double(number).serialized().hasSuffix(".0"))
        }
    }

    @Test func randomValuesRoundTrip() throws {
        var generator = SeededGenerator(seed: 13)
        for _ in 0..<3_000 {
            let value = JSONValue.random(depth: 4, using: &generator)
            #expect(try JSONValue(parsing: value.serialized()) == value)
            #expect(try JSONValue(parsing: value.serialized(pretty: true)) == value)
        }
    }
}

@Suite struct JSONWritableScalarTests {
    @Test func stringsAreEscapedAndNumbersRoundTrip() throws {
        for text in ["", "plain", "quote\" back\\slash", "ctl\u{01}\u{1F}\n\r\t\u{08}\u{0C}", "ünïcødé 🚀"] {
            #expect(try JSONValue(parsing: text.jsonBytes()) == .string(text), "\(text)")
        }
        for number in [0, -1, Int.max, Int.min, 42] {
            #expect(String(decoding: number.jsonBytes(), as: UTF8.self) == String(number))
        }
        for number in [0.1, -2.5e-300, 1e300, 5e-324, 3.0] {
            guard case .double(let back)? = try? JSONValue(parsing: number.jsonBytes()) else {
                Issue.record("\(number) did not read back as a double")
                continue
            }
            #expect(back == number)
        }
    }

    @Test func uuidsAreLowerCaseAndRandomOnesAreVersion4() {
        let uuid = UUID(uuidString: "3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B")!
        #expect(String(decoding: uuid.jsonBytes(), as: UTF8.self) == #""3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b""#)
        var seen = Set<UUID>()
        for _ in 0..<1000 {
            let random = UUID.random()
            seen.insert(random)
            let text = random.uuidString
            #expect(Array(text)[14] == "4", "version 4: \(text)")
            #expect("89AB".contains(Array(text)[19]), "variant 10: \(text)")
        }
        #expect(seen.count == 1000)
    }
}

@Suite struct XoshiroTests {
    @Test func givesTheReferenceSequence() {
        // xoshiro256** from state {1, 2, 3, 4}: the reference C implementation's first outputs.
        var generator = Xoshiro256StarStar(state: (1, 2, 3, 4))
        #expect((0..<4).map { _ in generator.next() } == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }
}
