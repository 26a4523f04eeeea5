import MessagingRuntime
import Testing

/// The generated validators and the IR interpreter (`switchboard validate`) must report exactly
/// the same issues, in the same order, on every payload.
@Suite struct AgreementTests {
    @Test func generatedValidatorsAndInterpreterAgreeOnTheCorpus() {
        let cases = Corpus.all()
        var mismatches: [String] = []
        var invalid = 0
        for item in cases {
            let generated = Fixtures.generatedIssues(item.type, item.payload)
            let interpreted = Fixtures.interpretedIssues(item.type, item.payload)
            if !generated.isEmpty { invalid += 1 }
            if generated != interpreted {
                mismatches.append("\(item)\n  generated:   \(generated)\n  interpreted: \(interpreted)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) disagreements, first: \(mismatches.prefix(3).joined(separator: "\n"))")
        // The corpus must exercise both outcomes, or agreement proves nothing.
        #expect(invalid > cases.count / 2)
        #expect(cases.count - invalid > 20)
    }

    @Test func everyValidSampleIsValid() {
        for (type, payload) in Corpus.valid {
            #expect(Fixtures.generatedIssues(type, payload) == [], "\(type) \(payload.serialized())")
        }
    }

    @Test func everyIssueCodeIsExercised() {
        var codes = Set<ValidationIssue.Code>()
        for item in Corpus.all(mutations: 1000) {
            for issue in Fixtures.generatedIssues(item.type, item.payload) { codes.insert(issue.code) }
        }
        let expected = Set(ValidationIssue.Code.allCases).subtracting([.invalidJSON])
        #expect(codes == expected, "missing: \(expected.subtracting(codes))")
    }
}
