import Foundation
import NIOCore
import TestSupport
import Testing

/// Accounts and sessions over real HTTP.
@Suite(.serialized, .timeLimit(.minutes(1))) struct AuthFlowTests {
    static let alice = #"{"email":"alice@example.com","password":"correct horse battery","displayName":"Alice"}"#

    @Test func registerLoginAndMe() async throws {
        let stack = try await EventBookingStack(components: [.auth, .gateway])
        let http = stack.http
        let announced = try await stack.nats.subscribe("auth.user.registered")
        try await stack.nats.flush()

        let created = try await http.send("POST", "/auth/register", json: Self.alice)
        #expect(created.status == 201 && created.json?["role"] as? String == "user" && created.json?["displayName"] as? String == "Alice")
        let id = try #require(created.json?["id"] as? String)
        #expect(created.json?["password"] == nil && !created.text.contains("correct horse"), "no password in a reply")
        let taken = try await http.send("POST", "/auth/register", json: #"{"email":"ALICE@example.com","password":"another password"}"#)
        #expect(taken.status == 409 && taken.error?["code"] as? String == "EmailTaken", "emails are unique without case")

        var iterator = announced.makeAsyncIterator()
        let message = try #require(await iterator.next())
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(message.payload.readableBytesView)) as? [String: Any])
        #expect(envelope["type"] as? String == "auth.UserProfile" && (envelope["payload"] as? [String: Any])?["id"] as? String == id)
        #expect(envelope["correlationId"] as? String == created.header("X-Correlation-Id"), "the event belongs to the request")

        let session = try await http.send("POST", "/auth/login", json: #"{"email":"alice@example.com","password":"correct horse battery"}"#)
        #expect(session.status == 200 && session.json?["tokenType"] as? String == "Bearer" && session.json?["expiresIn"] as? Int == 900)
        #expect((session.json?["user"] as? [String: Any])?["id"] as? String == id)
        let token = try #require(session.json?["accessToken"] as? String)
        let me = try await http.send("GET", "/auth/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(me.status == 200 && me.json?["id"] as? String == id && me.json?["email"] as? String == "alice@example.com")
        try await stack.stop()
    }

    @Test func wrongPasswordsAndUnknownEmailsAreTheSame401() async throws {
        let stack = try await EventBookingStack(components: [.auth, .gateway])
        let http = stack.http
        #expect(try await http.send("POST", "/auth/register", json: Self.alice).status == 201)
        let wrong = try await http.send("POST", "/auth/login", json: #"{"email":"alice@example.com","password":"incorrect horse"}"#)
        let unknown = try await http.send(
            "POST", "/auth/login", json: #"{"email":"nobody@example.com","password":"correct horse battery"}"#)
        for response in [wrong, unknown] {
            #expect(response.status == 401 && response.error?["code"] as? String == "InvalidCredentials", "\(response.text)")
            #expect(response.error?["message"] as? String == "Email or password is wrong.")
        }
        try await stack.stop()
    }

    @Test func aRefreshTokenRotatesAndAReplayRevokesTheSession() async throws {
        let stack = try await EventBookingStack(components: [.auth, .gateway])
        let http = stack.http
        #expect(try await http.send("POST", "/auth/register", json: Self.alice).status == 201)
        let login = try await http.send("POST", "/auth/login", json: #"{"email":"alice@example.com","password":"correct horse battery"}"#)
        let first = try #require(login.json?["refreshToken"] as? String)

        let rotated = try await http.send("POST", "/auth/refresh", json: #"{"refreshToken":"\#(first)"}"#)
        #expect(rotated.status == 200, "\(rotated.text)")
        let second = try #require(rotated.json?["refreshToken"] as? String)
        #expect(second != first)
        let access = try #require(rotated.json?["accessToken"] as? String)
        #expect(try await http.send("GET", "/auth/me", headers: ["Authorization": "Bearer \(access)"]).status == 200)

        // The old token is spent; presenting it again looks like theft and ends the session family.
        let replay = try await http.send("POST", "/auth/refresh", json: #"{"refreshToken":"\#(first)"}"#)
        #expect(replay.status == 401 && replay.error?["code"] as? String == "InvalidToken")
        let revoked = try await http.send("POST", "/auth/refresh", json: #"{"refreshToken":"\#(second)"}"#)
        #expect(revoked.status == 401 && revoked.error?["code"] as? String == "InvalidToken", "the replay revoked the newer token too")

        // Another login starts a new family.
        let again = try await http.send("POST", "/auth/login", json: #"{"email":"alice@example.com","password":"correct horse battery"}"#)
        let third = try #require(again.json?["refreshToken"] as? String)
        #expect(try await http.send("POST", "/auth/refresh", json: #"{"refreshToken":"\#(third)"}"#).status == 200)
        let forged = try await http.send("POST", "/auth/refresh", json: #"{"refreshToken":"0123456789abcdef0123456789"}"#)
        #expect(forged.status == 401 && forged.error?["code"] as? String == "InvalidToken")
        try await stack.stop()
    }
}
