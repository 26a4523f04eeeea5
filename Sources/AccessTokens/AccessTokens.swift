import Foundation
import JWTKit
import MessagingRuntime

/// The claims of an access token: who (`sub`), with which role, issued by whom, until when.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var role: String
    public var iss: IssuerClaim
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Why a token was refused. Never carries the token itself.
public struct AccessTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Issues and verifies HS256 access tokens with jwt-kit: the auth service issues them at login,
/// the gateway verifies signature, expiry and issuer on every request and passes the caller on.
public struct AccessTokens: Sendable {
    private let keys: JWTKeyCollection
    public let issuer: String

    /// - Parameter secret: at least 32 bytes (HMAC-SHA256 wants a key as long as its output).
    public init(secret: String, issuer: String = "switchboard") async throws(AccessTokenError) {
        guard secret.utf8.count >= 32 else {
            throw AccessTokenError(reason: "the token secret needs at least 32 bytes, it has \(secret.utf8.count)")
        }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.issuer = issuer
    }

    /// A token for `subject` with `role`, valid for `lifetime`.
    public func issue(subject: String, role: String, lifetime: Duration, now: Date = Date()) async throws -> String {
        let seconds = Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18
        let claims = AccessTokenClaims(
            sub: SubjectClaim(value: subject), role: role, iss: IssuerClaim(value: issuer), iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(seconds)))
        return try await keys.sign(claims)
    }

    /// The caller a valid token names.
    /// - Throws: `AccessTokenError` for a malformed, forged, expired or foreign token.
    public func verify(_ token: String) async throws(AccessTokenError) -> Caller {
        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw AccessTokenError(reason: "the token has expired")
        } catch {
            throw AccessTokenError(reason: "the token is not valid")
        }
        guard claims.iss.value == issuer else { throw AccessTokenError(reason: "the token comes from another issuer") }
        return Caller(id: claims.sub.value, role: claims.role)
    }
}
