public import Resilience

/// How locks are keyed, retried and timed. Defaults: keys `lock:{resource}` and
/// `lock:{resource}:fence` (one hash slot per resource), retries after 10 ms doubling to at
/// most 200 ms with full jitter, clock drift 1 % of the TTL plus 2 ms.
public struct RedisLockOptions: Sendable, Hashable {
    public var keyPrefix: String
    /// The wait between attempts while someone else holds the lock.
    public var retryBackoff: Backoff
    /// The share of the TTL taken off the lease's local validity for clock drift (Redlock's 0.01).
    public var driftFactor: Double

    public init(
        keyPrefix: String = "lock:", retryBackoff: Backoff = Backoff(base: .milliseconds(10), cap: .milliseconds(200), immediateFirstAttempt: false),
        driftFactor: Double = 0.01
    ) {
        self.keyPrefix = keyPrefix
        self.retryBackoff = retryBackoff
        self.driftFactor = driftFactor
    }
}

/// Distributed locks on one Redis: `SET key token NX PX ttl` with a random token, a fencing token
/// from a per-resource counter taken in the same script, compare-and-delete release and
/// compare-and-pexpire extension. `acquire` and `withLock` come from `DistributedLock`.
public struct RedisLock: DistributedLock {
    public let redis: any RedisCommandExecutor
    public let options: RedisLockOptions

    public init(_ redis: any RedisCommandExecutor, options: RedisLockOptions = RedisLockOptions()) {
        self.redis = redis
        self.options = options
    }

    public func key(for resource: String) -> String { "\(options.keyPrefix){\(resource)}" }
    public func fenceKey(for resource: String) -> String { "\(options.keyPrefix){\(resource)}:fence" }

    /// One attempt: the lease, or nil when someone else holds the lock.
    public func tryAcquire(_ resource: String, ttl: Duration) async throws -> RedisLease? {
        let token = Self.randomToken()
        let started = ContinuousClock.now
        let reply = try await redis.evalSHA(
            LockScripts.acquire, keys: [key(for: resource), fenceKey(for: resource)],
            arguments: [RedisArgument(token), RedisArgument(RedisExpiration.wholeMilliseconds(ttl))])
        switch reply {
        case .integer(let fence):
            return RedisLease(
                resource: resource, key: key(for: resource), token: token, fencingToken: fence, ttl: ttl,
                validUntil: validity(from: started, ttl: ttl))
        case .null:
            return nil
        default:
            throw RedisError(.unexpectedReply, "unexpected reply to the lock script: \(reply)")
        }
    }

    /// Deletes the lock if `lease` still holds it.
    /// - Returns: false when it did not (it expired, maybe taken by another holder): nothing deleted.
    @discardableResult
    public func release(_ lease: RedisLease) async throws -> Bool {
        lease.markReleased()
        let reply = try await redis.evalSHA(LockScripts.release, keys: [lease.key], arguments: [RedisArgument(lease.token)])
        return reply == .integer(1)
    }

    /// Sets the lock's TTL to `ttl` (default: the lease's) if `lease` still holds it.
    /// - Returns: false, and marks the lease lost, when it did not.
    @discardableResult
    public func extend(_ lease: RedisLease, ttl: Duration?) async throws -> Bool {
        let ttl = ttl ?? lease.ttl
        let started = ContinuousClock.now
        let reply = try await redis.evalSHA(
            LockScripts.extend, keys: [lease.key], arguments: [RedisArgument(lease.token), RedisArgument(RedisExpiration.wholeMilliseconds(ttl))])
        guard reply == .integer(1) else {
            lease.markLost()
            return false
        }
        lease.extend(until: validity(from: started, ttl: ttl))
        return true
    }

    /// 128 random bits in hex: unguessable, so only the holder can release or extend.
    static func randomToken() -> String {
        var random = SystemRandomNumberGenerator()
        let high = random.next(), low = random.next()
        let text = String(high, radix: 16) + String(repeating: "0", count: 16 - String(low, radix: 16).count) + String(low, radix: 16)
        return String(repeating: "0", count: 32 - text.count) + text
    }
}
