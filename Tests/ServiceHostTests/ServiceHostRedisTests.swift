import Foundation
import GeneratedSchemas
import MessagingRuntime
import NATSClient
import NIOCore
import Redis
import ServiceHost
import Synchronization
import TestSupport
import Testing

/// An auth service that records what the lock promises: one holder at a time, rising fences.
final class LockedAuth: Auth.Handler {
    let inside = Mutex(0)
    let most = Mutex(0)
    let fences = Mutex<[Int64]>([])
    let runs = Mutex(0)
    let emails = Mutex<Set<String>>([])

    func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        runs.withLock { $0 += 1 }
        let now = inside.withLock { $0 += 1; return $0 }
        most.withLock { $0 = max($0, now) }
        if let fence = context.fencingToken { fences.withLock { $0.append(fence) } }
        try await Task.sleep(for: .milliseconds(20))
        inside.withLock { $0 -= 1 }
        guard emails.withLock({ $0.insert(request.email).inserted }) else { throw Auth.ErrorCode.emailTaken }
        return Auth.UserProfile(id: UUID(), email: request.email, role: request.role, createdAt: .now)
    }

    func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
    func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
    func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile { throw NotImplemented() }
}

/// The host's `lock:` and idempotency guards on a real redis-server.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServiceHostRedisTests {
    func start(_ handler: LockedAuth) async throws -> (NATSServer, RedisServer, RedisClient, ServiceHost, RunningHosts, NATSConnection) {
        let nats = try NATSServer(jetStream: true)
        let redisServer = try RedisServer()
        let redis = RedisClient(options: try RedisOptions(url: redisServer.url))
        var options = ServiceHostOptions()
        options.locks = RedisLock(redis)
        options.idempotency = IdempotencyStore(redis)
        let host = ServiceHost(name: "auth", nats: try await connect(nats), options: options)
        Auth.serve(handler, with: host)
        let running = RunningHosts([host])
        let client = try await connect(nats)
        try await ServiceHostTests.waitUntilServing(client)
        return (nats, redisServer, redis, host, running, client)
    }

    @Test func lockedSubjectsRunOneAtATimeWithRisingFences() async throws {
        let handler = LockedAuth()
        let (nats, redisServer, redis, host, running, client) = try await start(handler)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let (_, reply) = try await ServiceHostTests.send(
                        Auth.RegisterRequest(email: "same@example.com", password: "correct horse", role: .user), on: "auth.register", via: client)
                    return ErrorReply(json: try JSONValue(parsing: reply.payload.readableBytesView))?.status ?? 201
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // One account; the others are refused by the handler (409) or, on a loaded machine, get a
        // 503 `busy` when the lock was not theirs before the request's deadline. Either way the
        // lock let one request in at a time, in the order of its fencing tokens.
        #expect(statuses.filter { $0 == 201 }.count == 1 && statuses.allSatisfy { [201, 409, 503].contains($0) }, "\(statuses)")
        // Two more, one after the other, get the lock whatever the load (the burst may have left
        // only one run to compare): the account exists now.
        for _ in 0..<2 {
            let (_, reply) = try await ServiceHostTests.send(
                Auth.RegisterRequest(email: "same@example.com", password: "correct horse", role: .user), on: "auth.register", via: client)
            #expect(ErrorReply(json: try JSONValue(parsing: reply.payload.readableBytesView))?.status == 409)
        }
        let fences = handler.fences.withLock { $0 }
        #expect(fences.count == handler.runs.withLock { $0 } && fences.count >= 3, "every run had a fencing token: \(fences)")
        #expect(handler.most.withLock { $0 } == 1, "the lock on auth:register:{email} let one request in at a time")
        #expect(zip(fences, fences.dropFirst()).allSatisfy { $0 < $1 }, "fencing tokens rise: \(fences)")
        try await running.stop()
        await client.close()
        await host.nats.close()
        await redis.close()
        redisServer.stop()
        nats.stop()
    }

    @Test func aDuplicateDeliveryGetsTheStoredReply() async throws {
        let handler = LockedAuth()
        let (nats, redisServer, redis, host, running, client) = try await start(handler)
        let envelope = Envelope(Auth.RegisterRequest(email: "once@example.com", password: "correct horse", role: .user))
        let body = try JSONEncoder().encode(envelope)
        let replies = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<5 {
                group.addTask {
                    Array(try await client.request("auth.register", payload: ByteBuffer(bytes: body), timeout: .seconds(5)).payload.readableBytesView)
                }
            }
            return try await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(handler.runs.withLock { $0 } == 1, "five deliveries of one message id, one run")
        #expect(Set(replies).count == 1, "every delivery got the same reply")
        let reply = try Envelope<Auth.UserProfile>(validatingJSON: try #require(replies.first))
        #expect(reply.causationId == envelope.messageId && reply.payload.email == "once@example.com")
        try await running.stop()
        await client.close()
        await host.nats.close()
        await redis.close()
        redisServer.stop()
        nats.stop()
    }
}
