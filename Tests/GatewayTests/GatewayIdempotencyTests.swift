import Foundation
import Gateway
import MessagingRuntime
import Redis
import ServiceHost
import TestSupport
import Testing

/// `Idempotency-Key` against a real redis-server: a retried POST gets the first response.
@Suite(.serialized, .timeLimit(.minutes(1))) struct GatewayIdempotencyTests {
    @Test func aRepeatedKeyReplaysAndAReusedKeyIsRefused() async throws {
        let redisServer = try RedisServer()
        defer { redisServer.stop() }
        let redis = RedisClient(options: try RedisOptions(url: redisServer.url))
        let auth = TestAuth()
        let stack = try await Stack(auth: auth, idempotency: IdempotencyStore(redis))

        let first = try await stack.http.send("POST", "/auth/register", json: GatewayTests.alice, headers: ["Idempotency-Key": "k-1"])
        #expect(first.status == 201 && first.header("Idempotent-Replayed") == nil, "\(first.text)")
        let retry = try await stack.http.send("POST", "/auth/register", json: GatewayTests.alice, headers: ["Idempotency-Key": "k-1"])
        #expect(retry.status == 201 && retry.header("Idempotent-Replayed") == "true")
        #expect(retry.json?["id"] as? String == first.json?["id"] as? String, "the same response, not a second account")
        #expect(auth.emails.withLock { $0.count } == 1)

        let other = #"{"email":"bob@example.com","password":"correct horse battery","role":"user"}"#
        let reused = try await stack.http.send("POST", "/auth/register", json: other, headers: ["Idempotency-Key": "k-1"])
        #expect(reused.status == 422 && reused.error?["code"] as? String == "idempotency_key_reused")
        let fresh = try await stack.http.send("POST", "/auth/register", json: other, headers: ["Idempotency-Key": "k-2"])
        #expect(fresh.status == 201)

        // Errors are not kept: the same key may try again.
        let taken = try await stack.http.send("POST", "/auth/register", json: other, headers: ["Idempotency-Key": "k-3"])
        #expect(taken.status == 409)
        #expect(try await stack.http.send("POST", "/auth/register", json: other, headers: ["Idempotency-Key": "k-3"]).status == 409)
        let tooLong = try await stack.http.send("POST", "/auth/register", json: other, headers: ["Idempotency-Key": String(repeating: "k", count: 300)])
        #expect(tooLong.status == 400)
        try await stack.stop()
        await redis.close()
    }
}
