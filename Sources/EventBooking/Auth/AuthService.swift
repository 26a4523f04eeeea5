import AccessTokens
import Foundation
import GeneratedSchemas
import Logging
import MessagingRuntime
import SQLite

/// Accounts and sessions (`auth.*`): registration with a PBKDF2 password hash, login for an
/// access token (a JWT the gateway verifies) and a refresh token (rotated on every use), and
/// the caller's profile.
public final class AuthService: Auth.Handler {
    /// Lifetimes of what a session hands out.
    public struct Lifetimes: Sendable {
        public var accessToken: Duration = .seconds(15 * 60)
        public var refreshToken: Duration = .seconds(30 * 24 * 3600)
        public init() {}
    }

    let store: AuthStore
    let tokens: AccessTokens
    let hasher: PasswordHasher
    let lifetimes: Lifetimes
    let events: any EventPublisher
    let logger: Logger

    public init(
        database: SQLiteDatabase, tokens: AccessTokens, hasher: PasswordHasher = PasswordHasher(), lifetimes: Lifetimes = Lifetimes(),
        events: any EventPublisher, logger: Logger = Logger(label: "event-booking.auth")
    ) throws {
        self.store = try AuthStore(database: database)
        self.tokens = tokens
        self.hasher = hasher
        self.lifetimes = lifetimes
        self.events = events
        self.logger = logger
    }

    public func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        let profile = Auth.UserProfile(
            id: UUID.random(), email: request.email, role: request.role, displayName: request.displayName, createdAt: .now)
        let passwordHash = try await hasher.hash(request.password)
        guard try store.insert(profile, passwordHash: passwordHash, tags: request.tags ?? []) else { throw Auth.ErrorCode.emailTaken }
        await events.announce(Auth.Subjects.userRegistered, profile, causedBy: context, logger: logger)
        return profile
    }

    public func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session {
        guard let account = try store.account(email: request.email) else {
            try await hasher.spendVerificationTime(request.password)
            throw Auth.ErrorCode.invalidCredentials
        }
        guard try await hasher.verify(request.password, against: account.passwordHash) else { throw Auth.ErrorCode.invalidCredentials }
        let refreshToken = RefreshToken.generate()
        let now = DateTime.now
        try store.addRefreshToken(
            digest: RefreshToken.digest(refreshToken), userID: account.profile.id, expiresAt: now + lifetimes.refreshToken, now: now)
        return try await session(for: account.profile, refreshToken: refreshToken)
    }

    public func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session {
        let replacement = RefreshToken.generate()
        let now = DateTime.now
        let rotation = try store.rotateRefreshToken(
            presented: RefreshToken.digest(request.refreshToken), replacement: RefreshToken.digest(replacement),
            expiresAt: now + lifetimes.refreshToken, now: now)
        switch rotation {
        case .rotated(let userID):
            guard let profile = try store.profile(id: userID) else { throw Auth.ErrorCode.invalidToken }
            return try await session(for: profile, refreshToken: replacement)
        case .reused:
            logger.warning(
                "a replaced refresh token was presented again; its session family is revoked",
                metadata: ["correlationId": "\(context.correlationId)"])
            throw Auth.ErrorCode.invalidToken
        case .refused:
            throw Auth.ErrorCode.invalidToken
        }
    }

    public func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        guard let caller = context.caller, let id = UUID(uuidString: caller.id), let profile = try store.profile(id: id) else {
            throw Auth.ErrorCode.invalidToken
        }
        return profile
    }

    /// A session: a new access token with the account's current role, and `refreshToken`.
    private func session(for profile: Auth.UserProfile, refreshToken: String) async throws -> Auth.Session {
        let accessToken = try await tokens.issue(
            subject: profile.id.uuidString.lowercased(), role: profile.role.rawValue, lifetime: lifetimes.accessToken)
        return Auth.Session(
            accessToken: accessToken, refreshToken: refreshToken, expiresIn: Int(lifetimes.accessToken.components.seconds), user: profile)
    }
}
