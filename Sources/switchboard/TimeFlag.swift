import ArgumentParser

/// A length of time on the command line: seconds (`5`, `0.25`) or a number with a unit, as the
/// `nats` tool takes them (`500ms`, `2s`, `1.5m`, `1h`).
struct TimeFlag: ExpressibleByArgument, CustomStringConvertible, Sendable {
    let seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let text = argument.lowercased()
        // "ms" before "s" and "m": the longest suffix that matches.
        let unit = units.filter { text.hasSuffix($0.suffix) }.max { $0.suffix.count < $1.suffix.count }
        let number = unit.map { String(text.dropLast($0.suffix.count)) } ?? text
        guard let value = Double(number) else { return nil }  // inf and nan: refused by the command's checks, by name
        seconds = value * (unit?.seconds ?? 1)
    }

    var description: String { "\(seconds)s" }
    var defaultValueDescription: String { seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s" }
}
