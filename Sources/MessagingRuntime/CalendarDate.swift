/// A day in the proleptic Gregorian calendar, without time or time zone, such as `2026-11-29`.
///
/// Encodes and decodes as its ISO 8601 string (`YYYY-MM-DD`).
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year, 1...9999.
    public let year: Int
    /// The month, 1...12.
    public let month: Int
    /// The day of the month, 1...28, 29, 30 or 31.
    public let day: Int

    /// The date, or nil when it does not exist (year outside 1...9999, month outside 1...12,
    /// or a day the month does not have).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CivilCalendar.daysInMonth(month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits) naming an existing date, as the `date` format
    /// requires; nil otherwise.
    public init?(iso text: String) {
        var text = text
        guard let date = text.withUTF8(CalendarDate.parse) else { return nil }
        self = date
    }

    /// The date as `YYYY-MM-DD`, zero-padded.
    public var isoString: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        bytes.appendISODate(year: year, month: month, day: day)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The ISO form, `YYYY-MM-DD`.
    public var description: String { isoString }

    /// Earlier dates sort first.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes the date from a `YYYY-MM-DD` string; throws `DecodingError.dataCorrupted` otherwise.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected an ISO date (YYYY-MM-DD), found \"\(text)\"")
        }
        self = date
    }

    /// Encodes the date as its `YYYY-MM-DD` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(isoString)
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CalendarDate? {
        var scanner = ASCIIScanner(bytes)
        guard bytes.count == 10, let year = scanner.decimal(digits: 4), scanner.skip(UInt8(ascii: "-")),
            let month = scanner.decimal(digits: 2), scanner.skip(UInt8(ascii: "-")),
            let day = scanner.decimal(digits: 2)
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }
}

/// Proleptic Gregorian calendar arithmetic, shared by the date types and formats.
enum CivilCalendar {
    /// Whether `year` has a February 29th.
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in `month` (1...12) of `year`.
    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The number of days from 1970-01-01 to the given date (negative before it).
    ///
    /// Counts in 400-year eras of 146,097 days, with years starting in March so that
    /// the leap day falls at the end of the year.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400  // 0...399
        let monthFromMarch = (month + 9) % 12  // March = 0 ... February = 11
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1  // 0...365
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // 0...146096
        return era * 146_097 + dayOfEra - 719_468  // 719,468 days from 0000-03-01 to 1970-01-01
    }

    /// The date that is `days` days after 1970-01-01; the inverse of `daysSinceEpoch`.
    static func date(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A cursor over ASCII text in UTF-8 bytes, for the fixed-layout date formats.
struct ASCIIScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    /// The next byte, if any, without consuming it.
    var next: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Consumes `byte` if it is next.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        position += 1
        return true
    }

    /// Consumes the next byte if it equals `letter` in either case.
    mutating func skip(letter: UInt8) -> Bool {
        guard let next, next | 0x20 == letter | 0x20 else { return false }
        position += 1
        return true
    }

    /// Consumes exactly `digits` ASCII digits and returns their value, or nil (consuming nothing).
    mutating func decimal(digits: Int) -> Int? {
        guard bytes.count - position >= digits else { return nil }
        var value = 0
        for offset in 0..<digits {
            let digit = bytes[position + offset] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        position += digits
        return value
    }

    /// Consumes a run of ASCII digits and returns how many there were.
    mutating func skipDigits() -> Int {
        let start = position
        while let next, next &- UInt8(ascii: "0") < 10 { position += 1 }
        return position - start
    }
}

extension [UInt8] {
    /// Appends `YYYY-MM-DD`, zero-padded.
    mutating func appendISODate(year: Int, month: Int, day: Int) {
        appendDecimal(year, width: 4)
        append(UInt8(ascii: "-"))
        appendDecimal(month, width: 2)
        append(UInt8(ascii: "-"))
        appendDecimal(day, width: 2)
    }

    /// Appends `value` (non-negative) in decimal, left-padded with zeros to `width` digits.
    mutating func appendDecimal(_ value: Int, width: Int) {
        let start = count
        var remaining = value
        repeat {
            append(UInt8(ascii: "0") + UInt8(remaining % 10))
            remaining /= 10
        } while remaining != 0 || count - start < width
        self[start...].reverse()
    }
}
