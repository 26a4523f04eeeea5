import Foundation
import GeneratedSchemas
import MessagingRuntime
import Testing

/// A typed value's `check(at:_:)` (what a service runs on its replies) must report exactly what
/// validating the value's JSON reports. The values come from the corpus decoded by `JSONDecoder`,
/// which builds the structure and checks no rule, so many of them break lengths, ranges, counts,
/// formats and uniqueness.
@Suite struct CheckAgreementTests {
    @Test func checkingATypedValueFindsWhatValidatingItsJSONFinds() throws {
        var compared = 0, broken = 0
        var mismatches: [String] = []
        for item in Corpus.all() {
            let type = try #require(Fixtures.generatedTypes[item.type])
            guard let outcome = Self.compare(type, item.payload) else { continue }
            compared += 1
            if outcome.issues > 0 { broken += 1 }
            if let mismatch = outcome.mismatch { mismatches.append("\(item)\n  \(mismatch)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) disagreements, first: \(mismatches.prefix(3).joined(separator: "\n"))")
        // Both outcomes must be common, or agreement proves nothing.
        #expect(compared > 500 && broken > 50 && compared - broken > 200, "compared \(compared), broken \(broken)")
    }

    @Test func aNumberThatIsNotFiniteIsNullWhichOnlyANullableFieldTakes() {
        var issues: [ValidationIssue] = []
        Validation.check(Double.nan, .none, nullable: false, at: .root + "price", &issues)
        #expect(issues.map(\.code) == [.invalidType] && issues.first?.path == .root + "price")
        issues = []
        Validation.check(Double.infinity, NumberRules(max: 1), nullable: true, at: .root, &issues)
        #expect(issues.isEmpty)
    }

    @Test func aMessageWithoutGeneratedChecksIsCheckedThroughItsJSON() {
        // `Message`'s default `check`: any conformance is checked right, if slower.
        struct Handwritten: Message {
            static let messageType = "test.Handwritten"
            static let schemaVersion = 1
            var name: String

            static func validate(
                _ tape: JSONTape, _ index: JSONTape.Index, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
            ) -> Handwritten? {
                guard let object = Validation.object(tape, index, at: path(), &issues), let member = tape.member(object, "name") else { return nil }
                return Validation.string(tape.scalar(member), StringRules(minLength: 2), at: path() + "name", &issues).map(Handwritten.init)
            }

            func writeJSON(to json: inout JSONWriter) {
                json.objectStart()
                json.key("name")
                json.string(name)
                json.objectEnd()
            }
        }
        var issues: [ValidationIssue] = []
        Handwritten(name: "x").check(at: .root + "payload", &issues)
        #expect(issues.map(\.code) == [.tooSmall] && issues.first?.path == .root + "payload" + "name")
        #expect((try? Handwritten(name: "xy").checked().get()) != nil)
    }

    /// Nil when `JSONDecoder` cannot build a `T` from the payload.
    static func compare<T: MessagingRuntime.Message>(_ type: T.Type, _ payload: JSONValue) -> (issues: Int, mismatch: String?)? {
        guard let value = try? JSONDecoder().decode(T.self, from: Data(payload.serializedBytes())) else { return nil }
        var checked: [ValidationIssue] = []
        value.check(at: .root, &checked)
        let validated: [ValidationIssue]
        switch T.validate(json: value.jsonBytes()) {
        case .success: validated = []
        case .failure(let error): validated = error.issues
        }
        guard checked != validated else { return (checked.count, nil) }
        return (checked.count, "check: \(checked)\n  validate: \(validated)")
    }
}
