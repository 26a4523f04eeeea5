import Foundation
import GeneratedSchemas
import MessagingRuntime
import NATSClient
import NIOCore
import NIOPosix
import ServiceHost
import Synchronization
import TestSupport
import Testing

/// `ServiceHostOptions.handlersOnEventLoop`: handlers run on the NATS connection's event loop, many
/// at once (they await without holding it), and a graceful shutdown still answers what was taken.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServiceHostEventLoopTests {
    /// Registers accounts after a pause, noting whether each call ran on an event loop thread.
    final class PausingAuth: Auth.Handler {
        let pause: Duration
        let onEventLoop = Mutex<[Bool]>([])

        init(pause: Duration) { self.pause = pause }

        func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
            onEventLoop.withLock { $0.append(MultiThreadedEventLoopGroup.currentEventLoop != nil) }
            try await Task.sleep(for: pause)
            return Auth.UserProfile(id: UUID.random(), email: request.email, role: request.role, createdAt: .now)
        }

        func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
        func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
        func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile { throw NotImplemented() }
    }

    /// Sends `count` registrations at once; the replies' payload emails, in order.
    static func register(_ count: Int, via client: NATSConnection) async throws -> [String] {
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<count {
                group.addTask {
                    let (_, reply) = try await ServiceHostTests.send(
                        Auth.RegisterRequest(email: "u\(index)@example.com", password: "correct horse", role: .user), on: "auth.register", via: client)
                    return (index, try Envelope<Auth.UserProfile>(validatingJSON: reply.payload.readableBytesView).payload.email)
                }
            }
            var emails = [String](repeating: "", count: count)
            for try await (index, email) in group { emails[index] = email }
            return emails
        }
    }

    @Test(arguments: [false, true])
    func handlersRunWhereAskedAndManyAtOnce(onEventLoop: Bool) async throws {
        var options = ServiceHostOptions()
        options.handlersOnEventLoop = onEventLoop
        let handler = PausingAuth(pause: .milliseconds(300))
        let hosted = try await ServingAuth(handler, options: options)

        // 20 requests that each wait 300 ms within a 5 s timeout: only answered if they run together
        let emails = try await Self.register(20, via: hosted.client)
        #expect(emails == (0..<20).map { "u\($0)@example.com" })
        #expect(handler.onEventLoop.withLock { $0 } == Array(repeating: onEventLoop, count: 20))
        try await hosted.stop()
    }

    @Test func aGracefulShutdownAnswersWhatTheEventLoopHandlersTook() async throws {
        var options = ServiceHostOptions()
        options.handlersOnEventLoop = true
        let handler = PausingAuth(pause: .milliseconds(500))
        let hosted = try await ServingAuth(handler, options: options)

        let replies = Task { try await Self.register(10, via: hosted.client) }
        for _ in 0..<200 where handler.onEventLoop.withLock({ $0.count }) < 10 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(handler.onEventLoop.withLock { $0.count } == 10, "all ten are in their handlers")
        try await hosted.running.stop()  // while they pause
        #expect(try await replies.value.count == 10, "every request taken was answered")
        await hosted.close()
    }
}
