import Foundation
import GeneratedSchemas
import MessagingRuntime
import NATSClient
import ServiceHost
import Synchronization
import TestSupport
import Testing

/// An auth service that tells who asked: the caller and the envelope's conversation.
final class EchoAuth: Auth.Handler {
    let seen = Mutex<[HandlerContext]>([])

    func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        seen.withLock { $0.append(context) }
        if request.email.hasPrefix("taken") { throw Auth.ErrorCode.emailTaken }
        if request.email.hasPrefix("slow") { try await Task.sleep(for: .seconds(1)) }
        return Auth.UserProfile(id: UUID(), email: request.email, role: request.role, displayName: context.caller?.id, createdAt: .now)
    }

    func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
    func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
    func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile { throw NotImplemented() }
}

/// Typed service-to-service requests (`ServiceClient`) against a real host on nats-server.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServiceClientTests {
    static func register(_ email: String) -> Auth.RegisterRequest {
        Auth.RegisterRequest(email: email, password: "correct horse", role: .organizer)
    }

    @Test func aRequestKeepsTheConversationAndErrorsComeBackTyped() async throws {
        let server = try NATSServer(jetStream: true)
        let handler = EchoAuth()
        let host = ServiceHost(name: "auth", nats: try await connect(server))
        Auth.serve(handler, with: host)
        let running = RunningHosts([host])
        let nats = try await connect(server)
        try await ServiceHostTests.waitUntilServing(nats)
        let client = ServiceClient(nats: nats)

        // From inside a handler: correlation, causation, caller and trace carry over.
        var context = HandlerContext.test(subject: "bookings.create", caller: Caller(id: "user-7", role: "user"))
        context.headers["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let profile = try await client.request(Auth.Subjects.register, Self.register("ada@example.com"), context: context)
        #expect(profile.email == "ada@example.com" && profile.role == .organizer && profile.displayName == "user-7")
        let seen = try #require(handler.seen.withLock { $0.last })
        #expect(seen.correlationId == context.correlationId && seen.causationId == context.messageId)
        #expect(seen.caller == Caller(id: "user-7", role: "user") && seen.headers["traceparent"] == context.headers["traceparent"])

        // Without a context: a conversation of its own, no caller.
        _ = try await client.request(Auth.Subjects.register, Self.register("bob@example.com"))
        let alone = try #require(handler.seen.withLock { $0.last })
        #expect(alone.caller == nil && alone.causationId == nil && alone.correlationId != context.correlationId)

        await #expect { try await client.request(Auth.Subjects.register, Self.register("taken@example.com")) } throws: { error in
            (error as? ErrorReply) == ErrorReply(Auth.ErrorCode.emailTaken)
        }
        await #expect { try await client.request(Auth.Subjects.login, Auth.LoginRequest(email: "a@b.co", password: "x")) } throws: { error in
            (error as? ErrorReply)?.status == 501
        }
        // The handler's deadline bounds the request: what is left of it, not the subject's 2 s. The
        // slow handler answers after 1 s, within 2 s: a 504 shows the shorter deadline applied.
        let hurried = HandlerContext.test(timeout: .milliseconds(300))
        await #expect { try await client.request(Auth.Subjects.register, Self.register("slow@example.com"), context: hurried) } throws: { error in
            (error as? ErrorReply)?.code == ErrorReply.timeout && (error as? ErrorReply)?.status == 504
        }
        let late = HandlerContext.test(timeout: .zero)
        await #expect { try await client.request(Auth.Subjects.register, Self.register("late@example.com"), context: late) } throws: { error in
            (error as? ErrorReply)?.status == 504
        }

        try await running.stop()
        // Nobody serves the subject any more: 503 at once.
        await #expect { try await client.request(Auth.Subjects.register, Self.register("gone@example.com")) } throws: { error in
            (error as? ErrorReply)?.code == ErrorReply.unavailable && (error as? ErrorReply)?.status == 503
        }
        // The bus gone for a while: 503 at once too, not the subject's timeout spent in the
        // reconnect buffer.
        server.stop()
        for _ in 0..<150 where !nats.isAway() { try await Task.sleep(for: .milliseconds(20)) }
        let asked = ContinuousClock.now
        await #expect { try await client.request(Auth.Subjects.register, Self.register("down@example.com")) } throws: { error in
            (error as? ErrorReply)?.status == 503 && (error as? ErrorReply)?.message == "the message bus is unavailable"
        }
        #expect(ContinuousClock.now - asked < .seconds(2), "before the subject's 2 s timeout")
        await nats.close()
        await host.nats.close()
        server.stop()
    }
}
