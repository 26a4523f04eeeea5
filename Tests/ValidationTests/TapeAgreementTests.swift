import GeneratedSchemas
import MessagingRuntime
import Testing

/// Generated validators read JSON bytes through a `JSONTape`; on texts that no `JSONValue`
/// serializes to (escaped and non-ASCII keys, keys equal only as Unicode strings, repeated keys,
/// whitespace, escaped strings in unique arrays) they must still report exactly what the IR
/// interpreter reports on the parsed value.
@Suite struct TapeAgreementTests {
    static let eventId = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"

    static let texts: [(type: String, text: String)] = [
        ("auth.RegisterRequest", #"{"\u0065mail":"a@b.co","password":"12345678"}"#),
        ("auth.RegisterRequest", #"{"email":"a@b.co","password":"12345678","email":"nope"}"#),
        ("auth.RegisterRequest", #"{"email":"nope","password":"12345678","email":"a@b.co"}"#),
        ("auth.RegisterRequest", #" { "email" : "a@b.co" , "password" : "1234567\u0038" , "role" : "\u0061dmin" } "#),
        ("auth.RegisterRequest", #"{"email":"a@b.co","password":"12345678","rôle":"admin","rôle":1,"\u0072ole":"user"}"#),
        ("auth.RegisterRequest", "{\"email\":\"a@b.co\",\"password\":\"12345678\",\"\u{212A}ey\":1,\"Key\":2}"),
        ("auth.RegisterRequest", #"{"email":"a@b.co","password":"ééééééé","tags":["A","\u0041"]}"#),
        ("auth.RegisterRequest", #"{"email":"a@b.co","password":"1234567é","tags":["é","e\u0301","x"]}"#),
        ("auth.RegisterRequest", #"{"email":"a@b.co","password":"12345678","tags":["a","b",null,"b"],"displayName":""}"#),
        ("auth.RegisterRequest", #"{"email":["a@b.co"],"password":{"x":1},"role":null,"tags":{}}"#),
        ("auth.RegisterRequest", #"[{"email":"a@b.co"}]"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\#(eventId)","seats":[{"row":"A","number":1},{"number":1.0,"row":"\u0041"}],"payment":{"method":"free","voucher":"FREE"}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\#(eventId)","seats":[{"row":"A","number":1,"row":"B"},{"row":"B","number":1}],"payment":{"method":"free","voucher":"FREE","x":[1]}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\#(eventId)","seats":[{"row":"A","number":1},{"row":"A","number":1,"number":2}],"payment":{"method":"c\u0061rd","token":"12345678","last4":"1234"}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\#(eventId)","seats":[{"row":"A","number":1}],"payment":{"method":"card","method":"cash"},"metadata":{"a":"x","a":"y","b":"\u00e9"}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\#(eventId)","seats":[{"row":"A","number":1}],"payment":{"method":1},"metadata":{"a":1,"\u0061":"y"},"notes":null}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\#(eventId)","seats":[],"payment":{"method":"invoice","company":"ACME","method":"invoice"},"extra":{"deep":[[[]]]}}"#),
        ("auth.RegisterRequest", #"{"email":"a@b.co","password":"12345678","displayNamf":"x","displayName":"Al","tags":[],"tag":1}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B","seats":[{"row":"A","number":1}],"payment":{"method":"free","voucher":"FREE"}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\u0033f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b","seats":[{"row":"A","number":1}],"payment":{"method":"free","voucher":"FREE"}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0g","seats":[{"row":"A","number":1}],"payment":{"method":"free","voucher":"FREE"}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":{"a":1},"seats":[{"row":"A","number":1}],"payment":{"method":"free","voucher":"FREE"}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\#(eventId)","seats":[{"row":"A","row":"B","number":1},{"row":"C","row":"B","number":1},{"number":1,"row":"B"}],"payment":{"method":"free","voucher":"FREE"}}"#),
        ("bookings.CreateBookingRequest", #"{"eventId":"\#(eventId)","seats":[{"row":"A","number":1,"x":1},{"row":"A","number":1,"y":1},{"r\u006fw":"A","number":1}],"payment":{"method":"free","voucher":"FREE"}}"#),
        ("bookings.CreateBookingRequest", #"{"seats":[{"row":"A","number":9223372036854775807},{"row":"A","number":-9223372036854775808},{"row":"A","number":1e300}]}"#),
    ]

    @Test(arguments: texts.indices)
    func bytesAndParsedValueGiveTheInterpretersIssues(_ index: Int) throws {
        let (type, text) = Self.texts[index]
        let bytes = Array(text.utf8)
        let json = try JSONValue(parsing: bytes)
        let interpreted = Fixtures.interpretedIssues(type, json)
        let messageType = try #require(Fixtures.generatedTypes[type])
        let fromBytes = issues(messageType, bytes)
        #expect(fromBytes == interpreted, "\(text)")
        #expect(Fixtures.generatedIssues(type, json) == interpreted, "\(text)")
    }

    @Test func largeDocumentsParseIntoAllocatedStorage() throws {
        // 3,000 items: past the stack storage, so the tape's entries are allocated.
        let tags = (0..<3000).map { "\"t\($0 % 7)\"" }.joined(separator: ",")
        let bytes = Array(#"{"email":"a@b.co","password":"12345678","tags":[\#(tags)],"x":{"y":[1,2.5,null,true]}}"#.utf8)
        let interpreted = Fixtures.interpretedIssues("auth.RegisterRequest", try JSONValue(parsing: bytes))
        #expect(issues(Auth.RegisterRequest.self, bytes) == interpreted)
        #expect(interpreted.map(\.code) == [.tooBig, .invalidValue, .unrecognizedKeys])
    }

    @Test func invalidJSONGivesTheParsersError() throws {
        for text in [#"{"email":"a@b.co",}"#, #"{"email":"\ud800"}"#, "{\"a\":\"\u{1}\"}", String(repeating: "[", count: 600)] {
            let bytes = Array(text.utf8)
            var expected = ""
            do { _ = try JSONValue(parsing: bytes) } catch { expected = error.description }
            let issues = try #require(Auth.RegisterRequest.validate(json: bytes).failure).issues
            #expect(issues == [ValidationIssue(code: .invalidJSON, path: .root, message: expected)])
        }
    }

    func issues<T: MessagingRuntime.Message>(_ type: T.Type, _ bytes: [UInt8]) -> [ValidationIssue] {
        switch type.validate(json: bytes) {
        case .success: []
        case .failure(let error): error.issues
        }
    }
}
