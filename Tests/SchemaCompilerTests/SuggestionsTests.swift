@testable import SchemaCompiler
import Testing

/// "did you mean": edit distance and the choice of candidate.
@Suite struct SuggestionsTests {
    @Test(arguments: [
        ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "", 3), ("abc", "abc", 0), ("Role", "Rol", 1),
        ("emial", "email", 1), ("ab", "ba", 1), ("feilds", "fields", 1), ("café", "cafe", 1), ("名前", "名", 1),
        ("ca", "abc", 3),
    ])
    func editDistance(_ a: String, _ b: String, _ expected: Int) {
        #expect(Suggestions.editDistance(a, b) == expected)
        #expect(Suggestions.editDistance(b, a) == expected)
    }

    @Test func closeNamesAreSuggested() {
        #expect(Suggestions.closest(to: "Rol", in: ["Role", "User"]) == "Role")
        #expect(Suggestions.closest(to: "role", in: ["Role", "User"]) == "Role")
        #expect(Suggestions.closest(to: "maxLenght", in: Compilation.fieldKeys) == "maxLength")
        #expect(Suggestions.closest(to: "emial", in: ["email", "uuid", "uri"]) == "email")
        #expect(Suggestions.closest(to: "url", in: ["email", "uuid", "uri"]) == "uri")
    }

    @Test func prefixesAreSuggestedWhenNoNameIsClose() {
        #expect(Suggestions.closest(to: "Money", in: ["MoneyAmount", "MoneyAmountList", "Order"]) == "MoneyAmount")
        #expect(Suggestions.closest(to: "minimum", in: Compilation.fieldKeys) == "min")
        #expect(Suggestions.closest(to: "descriptionText", in: Compilation.fieldKeys) == "description")
        // Too short to guess from.
        #expect(Suggestions.closest(to: "ma", in: ["maxItems"]) == nil)
    }

    @Test func farNamesAreNotSuggested() {
        #expect(Suggestions.closest(to: "Zebra", in: ["Role", "User", "string"]) == nil)
        #expect(Suggestions.closest(to: "ab", in: ["xy"]) == nil)
        #expect(Suggestions.closest(to: "x", in: [String]()) == nil)
        // A name is never its own suggestion.
        #expect(Suggestions.closest(to: "Role", in: ["Role"]) == nil)
    }

    @Test func tiesGoToTheFirstInAlphabeticalOrder() {
        #expect(Suggestions.closest(to: "cat", in: ["cut", "bat", "cap"]) == "bat")
        #expect(Suggestions.closest(to: "Rolx", in: ["Roly", "Role"]) == "Role")
    }

    @Test func didYouMeanPhrase() {
        #expect(Suggestions.didYouMean("Rol", in: ["Role"]) == "; did you mean 'Role'?")
        #expect(Suggestions.didYouMean("Zebra", in: ["Role"]) == "")
    }

    @Test(.timeLimit(.minutes(1))) func hugeNamesAreQuick() {
        let huge = String(repeating: "a", count: 200_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(Suggestions.closest(to: huge, in: Compilation.fieldKeys + ["a", "aaaa"]) == "aaaa")
            #expect(Suggestions.closest(to: "Rol", in: [huge, "Role"]) == "Role")
            // Equally long huge names are not compared edit by edit.
            #expect(Suggestions.closest(to: huge + "x", in: [huge + "y"]) == nil)
            #expect(Suggestions.closest(to: huge, in: [huge + "suffix"]) == huge + "suffix")
        }
        #expect(elapsed < .seconds(2))
    }
}

/// Durations of `timeout:`.
@Suite struct DurationTests {
    @Test(arguments: [
        ("2s", 2_000), ("500ms", 500), ("1.5m", 90_000), ("1h", 3_600_000), ("24h", 86_400_000), (".5s", 500),
        ("1ms", 1), ("0.25s", 250), ("10m", 600_000),
    ])
    func validDurations(_ text: String, _ milliseconds: Int) {
        #expect(Compilation.parseDuration(text) == milliseconds)
    }

    @Test(arguments: [
        "", "5", "s", "ms", "2 s", " 2s", "-1s", "+1s", "0s", "0ms", "0.5ms", "1.0005s", "25h", "2d", "1e3ms", "1.2.3s",
        "2S", "1١s", "½s", "2sec", "∞s",
    ])
    func invalidDurations(_ text: String) {
        #expect(Compilation.parseDuration(text) == nil)
    }

    @Test func problemsAreExplained() {
        #expect(Compilation.durationProblem("25h") == "'25h' is longer than 24h, the longest timeout")
        #expect(Compilation.durationProblem("0s") == "'0s' is shorter than 1ms, the shortest timeout")
        #expect(Compilation.durationProblem("1.0005s") == "'1.0005s' is not a whole number of milliseconds")
        #expect(Compilation.durationProblem("soon").hasPrefix("'soon' is not a duration; write a positive number"))
    }
}
