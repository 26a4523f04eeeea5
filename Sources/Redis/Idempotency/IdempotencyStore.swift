public import NIOCore
public import Resilience

/// How replies are kept. Defaults: keys `idempotency:<messageId>`, replies kept 24 hours, a
/// running handler's claim lasts 30 s, a duplicate waits up to 5 s for the one in progress,
/// polling after 5 ms doubling to 100 ms with full jitter.
public struct IdempotencyOptions: Sendable, Hashable {
    public var keyPrefix: String
    /// How long a stored reply answers duplicates.
    public var ttl: Duration
    /// How long the claim of a running handler lasts. A handler that crashed blocks its message
    /// this long at most; one that runs longer than this may run twice, so keep it above the
    /// longest handler.
    public var inProgressTTL: Duration
    /// How long a duplicate waits for the delivery in progress; `.zero` fails at once.
    public var waitTimeout: Duration
    public var pollBackoff: Backoff

    public init(
        keyPrefix: String = "idempotency:", ttl: Duration = .seconds(86_400), inProgressTTL: Duration = .seconds(30),
        waitTimeout: Duration = .seconds(5), pollBackoff: Backoff = Backoff(base: .milliseconds(5), cap: .milliseconds(100), immediateFirstAttempt: false)
    ) {
        self.keyPrefix = keyPrefix
        self.ttl = ttl
        self.inProgressTTL = inProgressTTL
        self.waitTimeout = waitTimeout
        self.pollBackoff = pollBackoff
    }
}

/// A duplicate arrived while the first delivery of its message was still being handled, and the
/// first did not finish within the wait.
public struct IdempotencyError: Error, Sendable, Hashable, CustomStringConvertible {
    public let messageID: String
    public var description: String { "message '\(messageID)' is already being processed (in progress)" }
}

/// What `IdempotencyStore.process` returns: the reply, and whether it was stored by an earlier delivery.
public struct IdempotentReply: Sendable, Hashable {
    public let reply: ByteBuffer
    public let isDuplicate: Bool
}

/// Runs a message's handler once per message ID and answers duplicates with the stored reply.
/// The first delivery claims the ID (a Lua script: claim if absent, else return what is there),
/// runs the handler and stores its reply with a TTL; a handler that throws gives the claim up, so
/// a redelivery runs it again. A concurrent duplicate polls (bounded by `waitTimeout`) for the
/// reply of the one in progress.
public struct IdempotencyStore: Sendable {
    public let redis: any RedisCommandExecutor
    public let options: IdempotencyOptions

    public init(_ redis: any RedisCommandExecutor, options: IdempotencyOptions = IdempotencyOptions()) {
        self.redis = redis
        self.options = options
    }

    private static let inProgress = UInt8(ascii: "P")
    private static let done = UInt8(ascii: "D")

    /// - Throws: `IdempotencyError` when a delivery in progress did not finish within the wait;
    ///   what the handler throws (the claim is given up first); `RedisError`.
    public func process(messageID: String, _ handler: () async throws -> ByteBuffer) async throws -> IdempotentReply {
        let key = options.keyPrefix + messageID
        let claim = "P" + RedisLock.randomToken()
        let deadline = ContinuousClock.now + options.waitTimeout
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            let current = try await redis.evalSHA(
                Self.claimScript, keys: [key],
                arguments: [RedisArgument(claim), RedisArgument(RedisExpiration.wholeMilliseconds(options.inProgressTTL))])
            switch current {
            case .null:
                return IdempotentReply(reply: try await runClaimed(key: key, claim: claim, handler), isDuplicate: false)
            case .bulk(var stored) where stored.readInteger(as: UInt8.self) == Self.done:
                return IdempotentReply(reply: stored, isDuplicate: true)
            case .bulk:
                let remaining = ContinuousClock.now.duration(to: deadline)
                guard remaining > .zero else { throw IdempotencyError(messageID: messageID) }
                try await Task.sleep(for: min(options.pollBackoff.delay(forAttempt: attempt, using: &random), remaining))
                attempt += 1
            default:
                throw RedisError(.unexpectedReply, "unexpected reply to the idempotency claim: \(current)")
            }
        }
    }

    /// Runs the handler under the claim and stores its reply (if the claim is still ours).
    private func runClaimed(key: String, claim: String, _ handler: () async throws -> ByteBuffer) async throws -> ByteBuffer {
        let reply: ByteBuffer
        do {
            reply = try await handler()
        } catch {
            _ = try? await redis.evalSHA(LockScripts.release, keys: [key], arguments: [RedisArgument(claim)])
            throw error
        }
        var stored = ByteBuffer()
        stored.reserveCapacity(reply.readableBytes + 1)
        stored.writeInteger(Self.done)
        stored.writeImmutableBuffer(reply)
        try await redis.evalSHA(
            Self.completeScript, keys: [key],
            arguments: [RedisArgument(claim), RedisArgument(stored), RedisArgument(RedisExpiration.wholeMilliseconds(options.ttl))])
        return reply
    }

    /// Forgets a message's reply (an operator's retry).
    public func forget(messageID: String) async throws {
        try await redis.del(options.keyPrefix + messageID)
    }

    /// KEYS: the message's key; ARGV: claim, ms. Nil when claimed now, else what is stored.
    static let claimScript = RedisScript(
        """
        local current = redis.call('get', KEYS[1])
        if current then
          return current
        end
        redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return false
        """)

    /// KEYS: the message's key; ARGV: claim, reply, ms. Stores the reply if the claim is ours.
    static let completeScript = RedisScript(
        """
        if redis.call('get', KEYS[1]) == ARGV[1] then
          redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
          return 1
        end
        return 0
        """)
}
