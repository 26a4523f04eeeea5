import Testing

@testable import switchboard

@Suite struct TimeFlagTests {
    @Test func secondsOrANumberWithAUnit() {
        let cases: [(String, Double)] = [("5", 5), ("0.25", 0.25), ("500ms", 0.5), ("2s", 2), ("1.5m", 90), ("1h", 3600), ("2S", 2), ("10MS", 0.01)]
        for (text, seconds) in cases {
            #expect(TimeFlag(argument: text)?.seconds == seconds, "\(text)")
        }
        for text in ["", "s", "ms", "2x", "2 s", "two", "1d"] {
            #expect(TimeFlag(argument: text) == nil, "\(text)")
        }
    }
}
