import Foundation
import MessagingRuntime

/// How the stores keep times: integers of milliseconds since 1970, which sort and compare in SQL
/// and round-trip `DateTime`'s millisecond precision exactly.
extension DateTime {
    var milliseconds: Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    init(milliseconds: Int64) {
        self.init(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    static func + (time: DateTime, duration: Duration) -> DateTime {
        DateTime(time.date.addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18))
    }
}

extension CalendarDate {
    /// The first millisecond of the day in UTC.
    var startMilliseconds: Int64 {
        DateTime(rfc3339: "\(isoString)T00:00:00Z").map(\.milliseconds) ?? 0
    }

    /// The day (UTC) an instant falls on.
    init(_ time: DateTime) {
        let text = time.rfc3339String
        self = CalendarDate(iso: String(text.prefix(10)))!
    }
}
