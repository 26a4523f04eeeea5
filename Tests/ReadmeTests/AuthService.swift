// Written by `switchboard scaffold auth` as a starting point: this file is yours to edit,
// and switchboard never writes it again. The protocol it conforms to is generated from
// schemas (Auth.Handler); after a schema change the compiler lists what to add here.

import Foundation
import GeneratedSchemas
import MessagingRuntime

/// The `auth` service.
struct AuthService: Auth.Handler {
    func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        throw NotImplemented("auth.register")
    }

    func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session {
        throw NotImplemented("auth.login")
    }

    func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session {
        throw NotImplemented("auth.refresh")
    }

    func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        throw NotImplemented("auth.me")
    }
}
