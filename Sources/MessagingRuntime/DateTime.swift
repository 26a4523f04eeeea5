public import Foundation

/// An instant, read and written as an RFC 3339 date-time such as `2026-11-29T15:04:05Z`.
///
/// Encodes and decodes as that single string. Parsing accepts any UTC offset and any number of
/// fraction digits; writing always uses UTC (`Z`) and millisecond precision.
public struct DateTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The instant.
    public var date: Date

    /// Wraps an instant.
    public init(_ date: Date) {
        self.date = date
    }

    /// Parses an RFC 3339 date-time (the `date-time` format: `T` and `Z` in either case, a day
    /// that exists, year 0001 or later), or nil. Fractions beyond nanoseconds are truncated.
    public init?(rfc3339 text: String) {
        var text = text
        guard let fields = text.withUTF8(RFC3339Fields.parse) else { return nil }
        let days = CivilCalendar.daysSinceEpoch(year: fields.year, month: fields.month, day: fields.day)
        let seconds = days * 86_400 + fields.secondOfDay - fields.offsetSeconds
        let sinceReferenceDate = Double(seconds - DateTime.referenceDateSince1970)
        date = Date(timeIntervalSinceReferenceDate: sinceReferenceDate + Double(fields.nanosecond) / 1e9)
    }

    /// The current instant.
    public static var now: DateTime { DateTime(Date()) }

    /// The instant in UTC, rounded to the millisecond: `2026-11-29T15:04:05Z`, or
    /// `2026-11-29T15:04:05.120Z` when the milliseconds are not zero. Instants outside years
    /// 0001...9999 are clamped into them.
    public var rfc3339String: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``rfc3339String``'s bytes (ASCII, nothing to escape in JSON): formatted in place,
    /// with no string in between, since every envelope and most records carry one.
    func appendRFC3339(to bytes: inout [UInt8]) {
        let unclamped = (date.timeIntervalSinceReferenceDate * 1000).rounded()
        let clamped = unclamped.isNaN ? 0 : min(max(unclamped, Self.minimumMilliseconds), Self.maximumMilliseconds)
        // Counting from 0001-01-01 keeps the division non-negative; the difference is exact (< 2^53).
        let sinceYearOne = Int(clamped - Self.minimumMilliseconds)
        let (days, dayMilliseconds) = sinceYearOne.quotientAndRemainder(dividingBy: 86_400_000)
        let (year, month, day) = CivilCalendar.date(daysSinceEpoch: Self.yearOneDaysSinceEpoch + days)
        let secondOfDay = dayMilliseconds / 1000
        let milliseconds = dayMilliseconds % 1000
        // YYYY-MM-DDTHH:MM:SS[.mmm]Z: at most 24 bytes, every field fixed-width (year 0001...9999).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var end = 0
            func put(_ value: Int, width: Int) {
                var remaining = value
                for index in (end..<end + width).reversed() {
                    buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                    remaining /= 10
                }
                end += width
            }
            func put(_ character: Unicode.Scalar) {
                buffer[end] = UInt8(ascii: character)
                end += 1
            }
            put(year, width: 4)
            put("-")
            put(month, width: 2)
            put("-")
            put(day, width: 2)
            put("T")
            put(secondOfDay / 3600, width: 2)
            put(":")
            put(secondOfDay / 60 % 60, width: 2)
            put(":")
            put(secondOfDay % 60, width: 2)
            if milliseconds != 0 {
                put(".")
                put(milliseconds, width: 3)
            }
            put("Z")
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<end]))
        }
    }

    /// The RFC 3339 form, as ``rfc3339String``.
    public var description: String { rfc3339String }

    /// Earlier instants sort first.
    public static func < (lhs: DateTime, rhs: DateTime) -> Bool {
        lhs.date < rhs.date
    }

    /// Decodes the instant from an RFC 3339 string; throws `DecodingError.dataCorrupted` otherwise.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let dateTime = DateTime(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected an RFC 3339 date-time, found \"\(text)\"")
        }
        self = dateTime
    }

    /// Encodes the instant as its ``rfc3339String``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339String)
    }

    /// Seconds from 1970-01-01 to Foundation's reference date, 2001-01-01.
    private static let referenceDateSince1970 = 978_307_200

    /// 0001-01-01 in days since 1970-01-01.
    private static let yearOneDaysSinceEpoch = CivilCalendar.daysSinceEpoch(year: 1, month: 1, day: 1)

    /// 0001-01-01T00:00:00.000Z in milliseconds since the reference date.
    private static let minimumMilliseconds = Double((yearOneDaysSinceEpoch * 86_400 - referenceDateSince1970) * 1000)

    /// 9999-12-31T23:59:59.999Z in milliseconds since the reference date.
    private static let maximumMilliseconds =
        Double((CivilCalendar.daysSinceEpoch(year: 10_000, month: 1, day: 1) * 86_400 - referenceDateSince1970) * 1000 - 1)
}

/// The fields of an RFC 3339 date-time, as the `date-time` format reads them.
struct RFC3339Fields {
    var year: Int, month: Int, day: Int
    /// Seconds since midnight in the local time of the text.
    var secondOfDay: Int
    /// The fraction of the second, truncated to nanoseconds.
    var nanosecond: Int
    /// The UTC offset in seconds (east positive).
    var offsetSeconds: Int

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` with `T` and `Z` in either case,
    /// hours 00...23, minutes and seconds 00...59 and a day that exists in a year from 0001.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> RFC3339Fields? {
        var scanner = ASCIIScanner(bytes)
        guard let year = scanner.decimal(digits: 4), year >= 1, scanner.skip(UInt8(ascii: "-")),
            let month = scanner.decimal(digits: 2), (1...12).contains(month), scanner.skip(UInt8(ascii: "-")),
            let day = scanner.decimal(digits: 2), (1...CivilCalendar.daysInMonth(month, year: year)).contains(day),
            scanner.skip(letter: UInt8(ascii: "T")),
            let secondOfDay = scanner.timeOfDay(withSeconds: true)
        else { return nil }

        var nanosecond = 0
        if scanner.skip(UInt8(ascii: ".")) {
            let start = scanner.position
            guard scanner.skipDigits() > 0 else { return nil }
            for index in start..<start + 9 {
                let digit = index < scanner.position ? Int(bytes[index] - UInt8(ascii: "0")) : 0
                nanosecond = nanosecond * 10 + digit
            }
        }

        var offsetSeconds = 0
        if !scanner.skip(letter: UInt8(ascii: "Z")) {
            guard let sign = scanner.next, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
                scanner.skip(sign), let offset = scanner.timeOfDay(withSeconds: false)
            else { return nil }
            offsetSeconds = sign == UInt8(ascii: "-") ? -offset : offset
        }
        guard scanner.isAtEnd else { return nil }
        return RFC3339Fields(
            year: year, month: month, day: day, secondOfDay: secondOfDay,
            nanosecond: nanosecond, offsetSeconds: offsetSeconds)
    }
}

extension ASCIIScanner {
    /// Consumes `HH:MM` or `HH:MM:SS` (hours 00...23, minutes and seconds 00...59), returning
    /// the seconds since midnight.
    fileprivate mutating func timeOfDay(withSeconds: Bool) -> Int? {
        guard let hour = decimal(digits: 2), hour < 24, skip(UInt8(ascii: ":")),
            let minute = decimal(digits: 2), minute < 60
        else { return nil }
        guard withSeconds else { return hour * 3600 + minute * 60 }
        guard skip(UInt8(ascii: ":")), let second = decimal(digits: 2), second < 60 else { return nil }
        return hour * 3600 + minute * 60 + second
    }
}
