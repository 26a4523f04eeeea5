import Foundation
import GeneratedSchemas
import MessagingRuntime
import Testing

/// Generated messages write their own JSON (`jsonBytes()`): as JSON, the same text as
/// `JSONEncoder` gives, and it validates back to the same value.
@Suite struct JSONWritableTests {
    @Test func everyValidSampleIsWrittenAsJSONEncoderEncodesIt() throws {
        var checked = 0
        for (type, payload) in Corpus.valid {
            let messageType = try #require(Fixtures.generatedTypes[type])
            if let problem = Self.check(messageType, payload) { Issue.record("\(type): \(problem)") }
            checked += 1
        }
        #expect(checked == Corpus.valid.count)
    }

    @Test func envelopesAreWrittenAsJSONEncoderEncodesThem() throws {
        var envelope = Envelope(Auth.LoginRequest(email: "a@b.co", password: "p/\"q\"\u{1}"), causationId: "cause", caller: Caller(id: "u1", role: "admin"))
        #expect(try Self.same(envelope.jsonBytes(), Array(JSONEncoder().encode(envelope))))
        envelope.caller = Caller(id: "u2")
        envelope.causationId = nil
        #expect(try Self.same(envelope.jsonBytes(), Array(JSONEncoder().encode(envelope))))
        let decoded = try Envelope<Auth.LoginRequest>(validatingJSON: envelope.jsonBytes())
        #expect(decoded.payload == envelope.payload && decoded.caller == envelope.caller)
        #expect(decoded.timestamp.rfc3339String == envelope.timestamp.rfc3339String)  // milliseconds, either way
    }

    @Test func uuidsAreWrittenLowerCase() throws {
        let id = try #require(UUID(uuidString: "3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B"))
        #expect(String(decoding: Bookings.GetBookingRequest(bookingId: id).jsonBytes(), as: UTF8.self)
            == #"{"bookingId":"3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"}"#)
    }

    static func check<T: MessagingRuntime.Message>(_ type: T.Type, _ payload: JSONValue) -> String? {
        guard case .success(let value) = T.validate(payload) else { return "the sample does not validate" }
        let written = value.jsonBytes()
        guard case .success(let back) = T.validate(json: written), back == value else {
            return "\(String(decoding: written, as: UTF8.self)) does not validate back to the value"
        }
        // JSONEncoder refuses a top-level value that encodes nothing (a message without fields).
        guard let encoded = try? JSONEncoder().encode(value) else { return written == Array("{}".utf8) ? nil : "not {}" }
        guard (try? same(written, Array(encoded))) == true else {
            return "\(String(decoding: written, as: UTF8.self)) is not JSONEncoder's text as JSON"
        }
        return nil
    }

    static func same(_ first: [UInt8], _ second: [UInt8]) throws -> Bool {
        try JSONValue(parsing: first).isJSONEqual(to: JSONValue(parsing: second))
    }
}
