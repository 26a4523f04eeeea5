import Foundation
import GeneratedSchemas
import MessagingRuntime
import SQLite

/// The auth service's SQLite database: accounts and refresh tokens.
final class AuthStore: Sendable {
    let database: SQLiteDatabase

    static let migrations = [
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            display_name TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            created_at INTEGER NOT NULL
        );
        -- A refresh token is kept as its SHA-256. Rotation marks the old one replaced; presenting a
        -- replaced token again means it was stolen, and revokes its whole family (every token
        -- descended from the same login).
        CREATE TABLE refresh_tokens (
            token_hash TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            family TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            replaced_at INTEGER,
            revoked_at INTEGER
        );
        CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
        CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
        """
    ]

    /// Opens the store on `database`, migrating its schema.
    init(database: SQLiteDatabase) throws {
        self.database = database
        try database.migrate(Self.migrations)
    }

    /// An account and its password hash.
    struct Account {
        var profile: Auth.UserProfile
        var passwordHash: String
    }

    /// Adds an account.
    /// - Returns: false when the email (compared without case) is taken.
    func insert(_ profile: Auth.UserProfile, passwordHash: String, tags: [String]) throws -> Bool {
        do {
            try database.write { db in
                try db.run(
                    "INSERT INTO users (id, email, password_hash, role, display_name, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    profile.id, profile.email, passwordHash, profile.role.rawValue, profile.displayName, try JSONColumn.encode(tags),
                    profile.createdAt.milliseconds)
            }
            return true
        } catch let error as SQLiteError where error.isConstraintViolation {
            return false
        }
    }

    func account(email: String) throws -> Account? {
        try database.read { db in
            try db.first("SELECT \(Self.profileColumns), password_hash FROM users WHERE email = ?", email) { row in
                Account(profile: try Self.profile(row), passwordHash: try row["password_hash"])
            }
        }
    }

    func profile(id: UUID) throws -> Auth.UserProfile? {
        try database.read { db in
            try db.first("SELECT \(Self.profileColumns) FROM users WHERE id = ?", id, as: Self.profile)
        }
    }

    static let profileColumns = "id, email, role, display_name, created_at"

    static func profile(_ row: SQLiteRow) throws -> Auth.UserProfile {
        let role: String = try row["role"]
        return Auth.UserProfile(
            id: try row["id"], email: try row["email"], role: Auth.Role(rawValue: role) ?? .user,
            displayName: try row["display_name"], createdAt: DateTime(milliseconds: try row["created_at"]))
    }

    // MARK: Refresh tokens

    /// Keeps the digest of a new login's refresh token, which starts a family; tokens expired
    /// for a day are swept at the same time.
    func addRefreshToken(digest: String, userID: UUID, expiresAt: DateTime, now: DateTime) throws {
        try database.write { db in
            try db.run("DELETE FROM refresh_tokens WHERE expires_at < ?", now.milliseconds - 86_400_000)
            try db.run(
                "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                digest, userID, UUID.random(), expiresAt.milliseconds, now.milliseconds)
        }
    }

    /// What presenting a refresh token did.
    enum Rotation: Equatable {
        /// The token was live: it is now replaced by the new one, in the same family.
        case rotated(userID: UUID)
        /// Unknown, expired or revoked: nothing changed.
        case refused
        /// Already replaced: someone replayed it, and the family is revoked.
        case reused
    }

    /// Replaces the live token `presented` by `replacement` (both digests), atomically: of two
    /// requests racing with the same token, one rotates and the other finds it replaced.
    func rotateRefreshToken(presented: String, replacement: String, expiresAt: DateTime, now: DateTime) throws -> Rotation {
        try database.write { db in
            guard let row = try db.first(
                "SELECT user_id, family, expires_at, replaced_at, revoked_at FROM refresh_tokens WHERE token_hash = ?", [presented])
            else { return .refused }
            let family: String = try row["family"]
            if try row["replaced_at", as: Int64?.self] != nil {
                try db.run(
                    "UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL", now.milliseconds, family)
                return .reused
            }
            guard try row["revoked_at", as: Int64?.self] == nil, try row["expires_at", as: Int64.self] > now.milliseconds else {
                return .refused
            }
            let userID: UUID = try row["user_id"]
            try db.run("UPDATE refresh_tokens SET replaced_at = ? WHERE token_hash = ?", now.milliseconds, presented)
            try db.run(
                "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                replacement, userID, family, expiresAt.milliseconds, now.milliseconds)
            return .rotated(userID: userID)
        }
    }
}
