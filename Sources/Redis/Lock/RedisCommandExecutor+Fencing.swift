public import NIOCore

extension RedisCommandExecutor {
    /// Writes `value` to the hash at `key` only if `fencingToken` is at least the highest token
    /// that has written there, and records the token: a holder whose lease expired (and whose
    /// resource was locked again since, with a higher token) is turned away.
    /// - Returns: false when the write was rejected as stale; nothing changed then.
    @discardableResult
    public func fencedSet(_ key: String, to value: RedisArgument, fencingToken: Int64) async throws -> Bool {
        let reply = try await evalSHA(LockScripts.fencedSet, keys: [key], arguments: [RedisArgument(fencingToken), value])
        return reply == .integer(1)
    }

    /// `fencedSet` with the lease's fencing token.
    @discardableResult
    public func fencedSet(_ key: String, to value: RedisArgument, lease: RedisLease) async throws -> Bool {
        try await fencedSet(key, to: value, fencingToken: lease.fencingToken)
    }

    /// The value last written by `fencedSet` and the token it was written with.
    public func fencedGet(_ key: String) async throws -> (value: ByteBuffer, fencingToken: Int64)? {
        let reply = try await command("HMGET", RedisArgument(key), "value", "fence")
        guard case .array(let fields) = reply, fields.count == 2 else { throw Self.unexpected(reply, "HMGET") }
        guard case .bulk(let value) = fields[0], let fence = fields[1].integer else { return nil }
        return (value, fence)
    }
}
