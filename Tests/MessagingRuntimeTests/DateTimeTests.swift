import Foundation
import TestSupport
import Testing
@testable import MessagingRuntime

@Suite struct DateTimeTests {
    private func instant(_ secondsSince1970: Double) -> DateTime {
        DateTime(Date(timeIntervalSince1970: secondsSince1970))
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0.0), ("2026-11-29T15:04:05Z", 1_795_964_645), ("2026-11-29T15:04:05.12Z", 1_795_964_645.12),
        ("2026-11-29T16:04:05+01:00", 1_795_964_645), ("2026-11-29T10:34:05-04:30", 1_795_964_645),
        ("2026-11-29t15:04:05z", 1_795_964_645), ("1969-12-31T23:59:59Z", -1), ("2000-02-29T00:00:00Z", 951_782_400),
        ("0001-01-01T00:00:00Z", -62_135_596_800), ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("2026-01-01T00:30:00+23:59", 1_767_141_060), ("1970-01-01T00:00:00.000000001Z", 0.000000001),
    ])
    func parsesInstants(text: String, secondsSince1970: Double) throws {
        let parsed = try #require(DateTime(rfc3339: text))
        #expect(abs(parsed.date.timeIntervalSince1970 - secondsSince1970) < 1e-6)
    }

    @Test func keepsFractionsBeyondMilliseconds() throws {
        let parsed = try #require(DateTime(rfc3339: "2026-11-29T15:04:05.123456789999Z"))
        let fraction = parsed.date.timeIntervalSince1970 - 1_795_964_645
        #expect(abs(fraction - 0.123456789) < 1e-6)
    }

    @Test(arguments: [
        "", "2026-11-29", "2026-11-29T15:04:05", "2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z",
        "2026-11-29T15:04:05Z ", "2026-11-29T24:00:00Z", "2026-11-29T15:04:05+24:00", "2026-11-29T15:04:05.Z",
    ])
    func rejectsInvalidText(text: String) {
        #expect(DateTime(rfc3339: text) == nil)
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"), (1_795_964_645, "2026-11-29T15:04:05Z"), (1_795_964_645.12, "2026-11-29T15:04:05.120Z"),
        (1_795_964_645.0004, "2026-11-29T15:04:05Z"), (1_795_964_645.0006, "2026-11-29T15:04:05.001Z"),
        (1_795_964_645.9996, "2026-11-29T15:04:06Z"), (-0.001, "1969-12-31T23:59:59.999Z"), (-1, "1969-12-31T23:59:59Z"),
        (951_868_799, "2000-02-29T23:59:59Z"), (-62_135_596_800, "0001-01-01T00:00:00Z"),
        (253_402_300_799.999, "9999-12-31T23:59:59.999Z"), (-1e15, "0001-01-01T00:00:00Z"), (1e15, "9999-12-31T23:59:59.999Z"),
        (.infinity, "9999-12-31T23:59:59.999Z"), (-.infinity, "0001-01-01T00:00:00Z"),
    ])
    func formatsInUTC(secondsSince1970: Double, expected: String) {
        #expect(instant(secondsSince1970).rfc3339String == expected)
        #expect(instant(secondsSince1970).description == expected)
        var json = JSONWriter()
        instant(secondsSince1970).writeJSON(to: &json)  // formatted in place, not through the string
        #expect(String(decoding: json.bytes, as: UTF8.self) == "\"\(expected)\"")
    }

    @Test func formattingAgreesWithFoundationOverManyInstants() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var generator = SeededGenerator(seed: 21)
        for _ in 0..<5_000 {
            // From 1600-01-01: Foundation's Gregorian calendar is Julian before October 1582, RFC 3339's is proleptic.
            let seconds = Double(Int64.random(in: -11_676_096_000...253_402_300_799, using: &generator))
            let date = Date(timeIntervalSince1970: seconds)
            let fields = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", fields.year!, fields.month!, fields.day!,
                fields.hour!, fields.minute!, fields.second!)
            let text = DateTime(date).rfc3339String
            #expect(text == expected)
            #expect(DateTime(rfc3339: text)?.date == date)
        }
    }

    @Test func roundTripsMilliseconds() throws {
        var generator = SeededGenerator(seed: 22)
        for _ in 0..<5_000 {
            let milliseconds = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)
            let original = instant(Double(milliseconds) / 1000)
            let parsed = try #require(DateTime(rfc3339: original.rfc3339String))
            #expect(parsed.rfc3339String == original.rfc3339String)
            #expect(abs(parsed.date.timeIntervalSince(original.date)) < 1e-4)  // a Double holds ~2^-16 s at year 9999
        }
    }

    @Test func comparesAndHashesByInstant() throws {
        let utc = try #require(DateTime(rfc3339: "2026-11-29T15:04:05Z"))
        let offset = try #require(DateTime(rfc3339: "2026-11-29T16:04:05+01:00"))
        let later = try #require(DateTime(rfc3339: "2026-11-29T15:04:05.001Z"))
        #expect(utc == offset)
        #expect(Set([utc, offset]).count == 1)
        #expect(utc < later)
        #expect([later, utc].sorted() == [utc, later])
        #expect(DateTime.now.date.timeIntervalSinceNow.magnitude < 5)
    }

    @Test func codableAsASingleString() throws {
        let value = try #require(DateTime(rfc3339: "2026-11-29T16:04:05.12+01:00"))
        let data = try JSONEncoder().encode(["at": value])
        #expect(String(decoding: data, as: UTF8.self) == #"{"at":"2026-11-29T15:04:05.120Z"}"#)
        #expect(try JSONDecoder().decode([String: DateTime].self, from: data) == ["at": value])

        let bad = Data(#"{"at":"2026-11-29 15:04:05"}"#.utf8)
        #expect {
            try JSONDecoder().decode([String: DateTime].self, from: bad)
        } throws: { error in
            guard case DecodingError.dataCorrupted = error else { return false }
            return true
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([String: DateTime].self, from: Data(#"{"at":1}"#.utf8)) }
    }
}
