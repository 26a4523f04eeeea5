// See ValidationExample.swift.

import GeneratedSchemas
import MessagingRuntime
import ServiceHost
import Testing

func inProcessExample(same: Auth.RegisterRequest) async throws {
// readme:begin
let host = InProcessHost()
Auth.serve(AuthService(), with: host)
let profile = try await host.call(Auth.Subjects.register, .init(email: "a@b.co", password: "long enough"))
await #expect(throws: ErrorReply(Auth.ErrorCode.emailTaken)) { try await host.call(Auth.Subjects.register, same) }
// readme:end
    _ = profile
}
