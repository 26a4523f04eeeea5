import Foundation
import GeneratedSchemas
import MessagingRuntime
import Testing

/// What users see of generated validators: Zod's issue model, defaults, strip, secrets, unions.
@Suite struct GeneratedValidatorTests {
    @Test func reportsEveryIssueOfThePeersInvalidPayloadAtOnce() throws {
        let bytes = Array(#"{"email":"not-an-email","password":"short","role":"root"}"#.utf8)
        let issues = try #require(Auth.RegisterRequest.validate(json: bytes).failure).issues
        #expect(issues.map(\.code) == [.invalidFormat, .tooSmall, .invalidValue])
        #expect(issues.map(\.path) == [["email"], ["password"], ["role"]])
        #expect(issues.map(\.message) == [
            "Invalid email address",
            "Too small: expected string to have >=8 characters",
            #"Invalid option: expected one of "user"|"organizer"|"admin""#,
        ])
        #expect(issues[0].format == "email")
        #expect(issues[1].origin == "string" && issues[1].minimum == 8 && issues[1].inclusive == true)
        #expect(issues[2].values == ["user", "organizer", "admin"])
    }

    @Test func missingFieldIsInvalidTypeReceivingUndefined() throws {
        let issues = try #require(Auth.LoginRequest.validate(json: Array(#"{"email":"a@b.co"}"#.utf8)).failure).issues
        #expect(issues.count == 1)
        #expect(issues[0].code == .invalidType && issues[0].expected == "string" && issues[0].received == "undefined")
        #expect(issues[0].message == "Invalid input: expected string, received undefined")
        #expect(issues[0].path == ["password"])
    }

    @Test func nestedPathsReachIntoArraysAndUnions() throws {
        let json: JSONValue = [
            "eventId": "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b",
            "seats": [["row": "A", "number": 1], ["row": "A", "number": 1], ["row": "a", "number": 0]],
            "payment": ["method": "card", "token": "x", "last4": "42"],
        ]
        let issues = try #require(Bookings.CreateBookingRequest.validate(json).failure).issues
        #expect(issues.map(\.path.description) == ["seats[1]", "seats[2].row", "seats[2].number", "payment.token", "payment.last4"])
        #expect(issues[0].code == .invalidValue && issues[0].note == "uniqueItems")
        #expect(issues[1].code == .invalidFormat && issues[1].format == "regex" && issues[1].pattern == "^[A-Z]{1,2}$")
        #expect(issues[2].code == .tooSmall && issues[2].origin == "int")
    }

    @Test func unknownTagNamesTheDiscriminatorAndTheValueReceived() throws {
        let json: JSONValue = ["eventId": "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b", "seats": [["row": "A", "number": 1]], "payment": ["method": "cash"]]
        let issue = try #require(Bookings.CreateBookingRequest.validate(json).failure?.issues.first)
        #expect(issue.code == .invalidUnion)
        #expect(issue.path == ["payment", "method"])
        #expect(issue.discriminator == "method" && issue.received == #""cash""#)
        #expect(issue.message == #"Invalid input: expected "method" to be one of "card"|"invoice"|"free", received "cash""#)
    }

    @Test func appliesDefaultsAndKeepsNulls() throws {
        let request = try Auth.RegisterRequest(validatingJSON: Array(#"{"email":"a@b.co","password":"12345678"}"#.utf8))
        #expect(request.role == .user)
        #expect(request.tags == nil)
        let page = try Events.ListEventsRequest(validatingJSON: Array("{}".utf8))
        #expect(page.limit == 20)
        let update = try Events.UpdateEventRequest(validatingJSON: Array(#"{"eventId":"3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b","description":null}"#.utf8))
        #expect(update.description == nil)
    }

    @Test func rejectOrStripUnknownKeys() throws {
        let rejected = try #require(Auth.LoginRequest.validate(json: Array(#"{"email":"a@b.co","password":"p","admin":true,"x":1}"#.utf8)).failure).issues
        #expect(rejected.map(\.code) == [.unrecognizedKeys])
        #expect(rejected[0].keys == ["admin", "x"])
        #expect(rejected[0].message == #"Unrecognized keys: "admin", "x""#)
        let free = try Bookings.Payment(validatingJSON: Array(#"{"method":"free","voucher":"FREE-1","utm":"x"}"#.utf8))
        #expect(free == .free(Bookings.FreeTicket(voucher: "FREE-1")))
    }

    @Test func secretsAreRedactedWhenLogged() throws {
        let request = Auth.RegisterRequest(email: "a@b.co", password: "hunter2hunter2")
        #expect(!String(describing: request).contains("hunter2"))
        #expect(!String(reflecting: request).contains("hunter2"))
        #expect(String(describing: request).contains("password: <redacted>"))
        let issues = try #require(Auth.RegisterRequest.validate(json: Array(#"{"email":"a@b.co","password":"hunter2"}"#.utf8)).failure).issues
        #expect(!issues.contains { $0.message.contains("hunter2") })
    }

    @Test func invalidJSONIsOneClearIssue() throws {
        let issues = try #require(Auth.LoginRequest.validate(json: Array(#"{"email": "a@b.co",}"#.utf8)).failure).issues
        #expect(issues.count == 1)
        #expect(issues[0].code == .invalidJSON)
        #expect(issues[0].message.contains("line 1"))
    }

    @Test func codableRoundTripMatchesValidation() throws {
        let json = Array(#"{"eventId":"3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b","seats":[{"row":"A","number":3}],"payment":{"method":"invoice","company":"ACME"},"notes":"aisle"}"#.utf8)
        let request = try Bookings.CreateBookingRequest(validatingJSON: json)
        let encoded = try JSONEncoder().encode(request)
        #expect(try Bookings.CreateBookingRequest(validatingJSON: Array(encoded)) == request)
        #expect(try JSONDecoder().decode(Bookings.CreateBookingRequest.self, from: encoded) == request)
        let object = try JSONValue(parsing: Array(encoded))
        guard case .object(let members) = object, case .object(let payment)? = members["payment"] else {
            Issue.record("not an object: \(object)")
            return
        }
        #expect(payment["method"] == "invoice")
        #expect(members["metadata"] == nil)
    }

    @Test func nullableFieldsAreWrittenAsNull() throws {
        let profile = Auth.UserProfile(
            id: UUID(), email: "a@b.co", role: .admin, displayName: nil, createdAt: DateTime(Date(timeIntervalSince1970: 0))
        )
        let object = try JSONValue(parsing: Array(try JSONEncoder().encode(profile)))
        guard case .object(let members) = object else { return }
        #expect(members["displayName"] == .null)
        #expect(members["createdAt"] == "1970-01-01T00:00:00Z")
        #expect(try Auth.UserProfile(validatingJSON: Array(try JSONEncoder().encode(profile))) == profile)
    }

    @Test func envelopeCarriesMetadataAndValidatesItsPayload() throws {
        let request = Auth.LoginRequest(email: "a@b.co", password: "p")
        let envelope = Envelope(request)
        #expect(envelope.type == "auth.LoginRequest")
        #expect(envelope.schemaVersion == 1)
        #expect(envelope.correlationId == envelope.messageId)
        let reply = envelope.caused(Auth.UserProfile(id: UUID(), email: "a@b.co", role: .user, createdAt: .now))
        #expect(reply.correlationId == envelope.correlationId && reply.causationId == envelope.messageId)
        let decoded = try Envelope<Auth.LoginRequest>(validatingJSON: Array(try JSONEncoder().encode(envelope)))
        #expect(decoded.payload == request && decoded.messageId == envelope.messageId)
        let bad: JSONValue = ["messageId": "m", "correlationId": "c", "timestamp": "yesterday", "type": "auth.Other", "schemaVersion": 1, "payload": ["email": "a@b.co"]]
        let issues = try #require(Envelope<Auth.LoginRequest>.validate(bad).failure).issues
        #expect(issues.map(\.path.description) == ["timestamp", "type", "payload.password"])
    }

    @Test func uuidsAreWrittenLowerCase() throws {
        let id = UUID(uuidString: "3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B")!
        let profile = Auth.UserProfile(id: id, email: "a@b.co", role: .user, createdAt: .now)
        let text = String(decoding: try JSONEncoder().encode(profile), as: UTF8.self)
        #expect(text.contains(#""id":"3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b""#), "\(text)")
        #expect(try JSONDecoder().decode(Auth.UserProfile.self, from: Data(text.utf8)).id == id)
    }

    @Test func envelopeCarriesTheCallerAndErrorRepliesRoundTrip() throws {
        let envelope = Envelope(Auth.MeRequest(), caller: Caller(id: "u-1", role: "admin"))
        let decoded = try Envelope<Auth.MeRequest>(validatingJSON: Array(try JSONEncoder().encode(envelope)))
        #expect(decoded.caller == Caller(id: "u-1", role: "admin"))
        let badCaller: JSONValue = [
            "messageId": "m", "correlationId": "c", "timestamp": "2026-11-29T10:00:00Z", "type": "auth.MeRequest", "schemaVersion": 1,
            "caller": ["role": 7], "payload": [:],
        ]
        let issues = try #require(Envelope<Auth.MeRequest>.validate(badCaller).failure).issues
        #expect(issues.map(\.path.description) == ["caller.id"])

        let schemaError = ErrorReply(Auth.ErrorCode.emailTaken)
        #expect(ErrorReply(json: schemaError.jsonValue()) == schemaError)
        #expect(schemaError.status == 409 && schemaError.code == "EmailTaken")
        let invalid = ErrorReply(try #require(Auth.RegisterRequest.validate(json: Array(#"{"email":"x"}"#.utf8)).failure))
        #expect(invalid.status == 400 && invalid.code == "validation_failed" && invalid.issues?.count == 2)
        #expect(ErrorReply(json: invalid.jsonValue(extra: [.init(key: "correlationId", value: "c-1")])) == invalid)
        #expect(ErrorReply(json: ["error": ["code": "x"]]) == nil)
    }

    @Test func subjectCatalogueBuildsSubjectsAndLockKeys() {
        let update = Events.Subjects.update
        let request = Events.UpdateEventRequest(eventId: UUID(uuidString: "3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B")!)
        #expect(update.subject(request) == "events.3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b.update")
        #expect(update.subscription == "events.*.update")
        #expect(update.queue == "events")
        #expect(update.lockKey?(request) == "events:3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b")
        #expect(update.http?.method == "PATCH" && update.http?.pathParameters == ["eventId"])
        #expect(Auth.Subjects.register.timeout == .seconds(2))
        #expect(Auth.Subjects.register.errors == [ServiceError(code: "EmailTaken", status: 409, message: "An account with this email already exists.")])
        #expect(Auth.Subjects.register.http?.auth == .public)
        #expect(Bookings.Subjects.bookingCreated.stream == "BOOKINGS")
        #expect(Auth.ErrorCode.invalidCredentials.status == 401)
    }

    @Test func subjectTokensCannotInjectTokensOrWildcards() {
        #expect(SubjectToken.encode("a.b *>") == "a%2Eb%20%2A%3E")
        #expect(SubjectToken.encode("") == "%00")
        #expect(SubjectToken.encode("plain-Token_1") == "plain-Token_1")
        #expect(SubjectToken.encode("100%") == "100%25")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
