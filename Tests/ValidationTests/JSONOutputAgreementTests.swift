import Foundation
import GeneratedSchemas
import MessagingRuntime
import Testing

/// Generated `writeJSON(to:)` against Foundation's `JSONEncoder` and the generated validators:
/// every payload of the corpus that validates is written as the same JSON as `JSONEncoder` writes
/// (map keys may come in another order, UUIDs lower case at any depth), and reads back as the
/// same typed value.
@Suite struct JSONOutputAgreementTests {
    @Test func generatedWritersAgreeWithJSONEncoderAndRoundTrip() throws {
        var checked: Set<String> = []
        for testCase in Corpus.all(mutations: 1500) {
            let type = try #require(Fixtures.generatedTypes[testCase.type])
            if try check(type, testCase.payload) { checked.insert(testCase.type) }
        }
        #expect(checked == Set(Corpus.valid.map(\.0)), "a valid payload of every message in the corpus was written")
    }

    @Test func envelopesAreWrittenAsJSONEncoderWritesThem() throws {
        let profile = Auth.UserProfile(
            id: UUID(uuidString: "3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B")!, email: "a\"b\\c\n@x.co", role: .admin, displayName: nil,
            createdAt: DateTime(rfc3339: "2026-11-29T15:04:05.250Z")!)
        let at = DateTime(rfc3339: "2026-11-29T15:04:05.250Z")!
        let envelopes = [
            Envelope(profile, messageId: "m1", correlationId: "c1", causationId: "x", timestamp: at, caller: Caller(id: "u", role: "admin")),
            Envelope(profile, messageId: "m2", timestamp: at),
        ]
        for envelope in envelopes {
            let written = try JSONValue(parsing: envelope.jsonBytes())
            let encoded = try JSONValue(parsing: Array(try JSONEncoder().encode(envelope)))
            #expect(written.isJSONEqual(to: encoded), "\(written.serialized()) vs \(encoded.serialized())")
            #expect(try Envelope<Auth.UserProfile>.validate(json: envelope.jsonBytes()).get() == envelope)
        }
        let text = String(decoding: envelopes[1].jsonBytes(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"messageId":"m2","correlationId":"m2","timestamp":"#), "absent optionals are left out: \(text)")
        #expect(text.contains(#""id":"3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b""#) && text.contains(#""email":"a\"b\\c\n@x.co""#))
        #expect(text.contains(#""displayName":null"#), "a nullable field is written as null")
    }

    /// Whether `json` was a valid `T` (and then, that both writers agree and it reads back).
    private func check<T: Message>(_ type: T.Type, _ json: JSONValue) throws -> Bool {
        guard case .success(let value) = T.validate(json) else { return false }
        let written = value.jsonBytes()
        let ours = try JSONValue(parsing: written)
        // JSONEncoder refuses a value that encodes nothing at the top (a message without fields).
        let encoded = try? JSONEncoder().encode(value)
        let foundation = try encoded.map { try JSONValue(parsing: Array($0)) } ?? .object(JSONObject())
        #expect(
            Self.lowercasingUUIDs(ours).isJSONEqual(to: Self.lowercasingUUIDs(foundation)),
            "\(T.messageType): \(ours.serialized()) vs JSONEncoder \(foundation.serialized())")
        #expect(try T.validate(json: written).get() == value, "\(T.messageType) reads back from \(ours.serialized())")
        return true
    }

    private static func lowercasingUUIDs(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where UUID(uuidString: text) != nil:
            return .string(text.lowercased())
        case .array(let elements):
            return .array(elements.map(lowercasingUUIDs))
        case .object(var object):
            for index in object.members.indices { object.members[index].value = lowercasingUUIDs(object.members[index].value) }
            return .object(object)
        default:
            return value
        }
    }
}
