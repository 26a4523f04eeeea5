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
