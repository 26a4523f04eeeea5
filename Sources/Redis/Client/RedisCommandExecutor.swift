/// Anything that runs Redis commands: a connection, a pooled client, or one of them behind a
/// circuit breaker. The helpers (GET, SET, EVALSHA…), locks and the idempotency store are written
/// against it.
public protocol RedisCommandExecutor: Sendable {
    /// Sends one command and returns its reply.
    /// - Throws: `RedisError`; `.server` carries the message of an error reply.
    @discardableResult
    func command(_ arguments: [RedisArgument]) async throws -> RedisReply
}

extension RedisCommandExecutor {
    /// `command("SET", "greeting", "hello")`.
    @discardableResult
    public func command(_ arguments: RedisArgument...) async throws -> RedisReply {
        try await command(arguments)
    }
}

extension RedisArgument: ExpressibleByStringInterpolation {
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }
}
