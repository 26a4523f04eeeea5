import Foundation
import Testing
@testable import MessagingRuntime

@Suite struct CalendarDateTests {
    @Test func validatesFields() throws {
        let date = try #require(CalendarDate(year: 2026, month: 11, day: 29))
        #expect((date.year, date.month, date.day) == (2026, 11, 29))
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 1, month: 1, day: 1) != nil)
        #expect(CalendarDate(year: 9999, month: 12, day: 31) != nil)
        for (year, month, day) in [
            (2025, 2, 29), (1900, 2, 29), (2026, 4, 31), (2026, 13, 1), (2026, 0, 1), (2026, 1, 0), (2026, 1, 32),
            (0, 1, 1), (10_000, 1, 1), (-1, 1, 1),
        ] {
            #expect(CalendarDate(year: year, month: month, day: day) == nil, "\(year)-\(month)-\(day)")
        }
    }

    @Test func parsesAndFormatsISOText() throws {
        let date = try #require(CalendarDate(iso: "0042-03-07"))
        #expect((date.year, date.month, date.day) == (42, 3, 7))
        #expect(date.isoString == "0042-03-07")
        #expect(date.description == "0042-03-07")
        #expect(CalendarDate(year: 2026, month: 11, day: 29)?.isoString == "2026-11-29")
        for text in ["", "2026-11-29T00:00:00Z", "2026-02-30", "0000-01-01", "2026-1-29", " 2026-11-29", "2026-11-29\n"] {
            #expect(CalendarDate(iso: text) == nil, "\(text.debugDescription)")
        }
    }

    @Test func comparesChronologically() throws {
        let dates = ["2026-11-29", "2025-12-31", "2026-01-01", "2026-11-28", "0001-01-01"].compactMap(CalendarDate.init(iso:))
        #expect(dates.sorted().map(\.isoString) == ["0001-01-01", "2025-12-31", "2026-01-01", "2026-11-28", "2026-11-29"])
        #expect(CalendarDate(iso: "2026-11-29") == CalendarDate(year: 2026, month: 11, day: 29))
    }

    @Test func codableAsASingleString() throws {
        let date = try #require(CalendarDate(year: 2026, month: 11, day: 29))
        let data = try JSONEncoder().encode([date])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-11-29"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [date])
        #expect {
            try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2026-02-30"]"#.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted = error else { return false }
            return true
        }
    }

    @Test func civilCalendarRoundTripsEveryDay() {
        // Walks every day of years 0001...9999, checking both conversions against a plain day counter.
        var year = 1, month = 1, day = 1
        for days in CivilCalendar.daysSinceEpoch(year: 1, month: 1, day: 1)...CivilCalendar.daysSinceEpoch(year: 9999, month: 12, day: 31) {
            let fields = CivilCalendar.date(daysSinceEpoch: days)
            guard fields == (year, month, day), CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) == days
            else {
                Issue.record("day \(days) is \(fields), expected \((year, month, day))")
                return
            }
            day += 1
            if day > CivilCalendar.daysInMonth(month, year: year) {
                day = 1
                month += 1
                if month > 12 { (month, year) = (1, year + 1) }
            }
        }
        #expect((year, month, day) == (10_000, 1, 1))
    }

    @Test func civilCalendarArithmetic() {
        #expect(CivilCalendar.daysSinceEpoch(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilCalendar.daysSinceEpoch(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilCalendar.daysSinceEpoch(year: 1969, month: 12, day: 31) == -1)
        #expect(CivilCalendar.date(daysSinceEpoch: -719_468) == (0, 3, 1))
        #expect(CivilCalendar.date(daysSinceEpoch: -719_469) == (0, 2, 29))  // year 0 is a leap year
        #expect([1900, 2023, 2100].allSatisfy { !CivilCalendar.isLeapYear($0) })
        #expect([2000, 2024, 1600, 0].allSatisfy(CivilCalendar.isLeapYear))
        #expect((1...12).map { CivilCalendar.daysInMonth($0, year: 2023) } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        #expect(CivilCalendar.daysInMonth(2, year: 2024) == 29)
    }
}
