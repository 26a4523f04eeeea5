import Foundation
import GeneratedSchemas
import MessagingRuntime
import ServiceHost
import Testing

/// The test kit: a handler called in process through the host's own steps, no broker.
@Suite struct InProcessHostTests {
    @Test func callsRunTheHostsStepsWithoutABroker() async throws {
        let host = InProcessHost()
        Auth.serve(MemoryAuth(replica: "local"), with: host)
        let request = Auth.RegisterRequest(email: "kit@example.com", password: "correct horse", role: .admin)
        let profile = try await host.call(Auth.Subjects.register, request)
        #expect(profile.email == "kit@example.com" && profile.role == .admin)
        await #expect(throws: ErrorReply(Auth.ErrorCode.emailTaken)) { try await host.call(Auth.Subjects.register, request) }

        // The request is validated as a NATS message would be: every issue, as a 400.
        let invalid = Auth.RegisterRequest(email: "not-an-email", password: "short", role: .user)
        do {
            _ = try await host.call(Auth.Subjects.register, invalid)
            Issue.record("an invalid request went through")
        } catch let error as ErrorReply {
            #expect(error.status == 400 && error.issues?.count == 2)
        }
        await #expect(throws: ErrorReply.self) { try await host.call(Auth.Subjects.me, Auth.MeRequest()) }
        let me = try await host.call(Auth.Subjects.me, Auth.MeRequest(), caller: Caller(id: "me@example.com", role: "user"))
        #expect(me.email == "me@example.com")
        do {
            _ = try await host.call(Auth.Subjects.login, Auth.LoginRequest(email: "a@b.co", password: "x"))
            Issue.record("login is a stub and should answer 501")
        } catch let error as ErrorReply {
            #expect(error.status == 501)
        }
    }
}
