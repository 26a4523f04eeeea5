public import Resilience

/// A Redis client behind a circuit breaker: while the breaker is open, commands fail at once
/// with `CircuitOpenError` and never reach the network. Error replies such as `WRONGTYPE` do not
/// count against Redis (`RedisError.isDependencyFailure`); connection failures and timeouts do.
public struct CircuitBreakingRedis: RedisCommandExecutor {
    public let base: any RedisCommandExecutor
    public let breaker: CircuitBreaker

    public init(_ base: any RedisCommandExecutor, breaker: CircuitBreaker) {
        self.base = base
        self.breaker = breaker
    }

    @discardableResult
    public func command(_ arguments: [RedisArgument]) async throws -> RedisReply {
        try await breaker.run { try await base.command(arguments) }
    }
}

extension RedisCommandExecutor {
    /// This client behind `breaker`.
    public func guarded(by breaker: CircuitBreaker) -> CircuitBreakingRedis { CircuitBreakingRedis(self, breaker: breaker) }
}
