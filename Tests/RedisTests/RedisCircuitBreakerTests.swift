import Redis
import Resilience
import Synchronization
import Testing

@Suite(.serialized, .timeLimit(.minutes(1)))
struct RedisCircuitBreakerTests {
    static func policy() -> CircuitBreakerPolicy {
        var policy = CircuitBreakerPolicy()
        policy.window = .lastCalls(3)
        policy.minimumCalls = 3
        policy.failureRateThreshold = 1.0
        policy.openDuration = .seconds(30)
        policy.halfOpenProbes = 1
        return policy
    }

    @Test func opensWhenRedisStopsFailsFastThenAProbeClosesItAfterARestart() async throws {
        try await withRedis(configure: { $0.connectTimeout = .milliseconds(500); $0.poolSize = 1 }) { server, client in
            let clock = ManualClock()
            let transitions = Shared<[String]>([])
            let breaker = CircuitBreaker(name: "redis", policy: Self.policy(), now: clock.now) { transition in
                transitions.update { $0.append("\(transition.from)→\(transition.to)") }
            }
            let redis = client.guarded(by: breaker)
            try await redis.ping()

            server.stop()
            for failure in 1...3 {
                #expect(breaker.currentState == .closed, "before failure \(failure)")
                await #expect(throws: RedisError.self) { try await redis.ping() }
            }
            #expect(breaker.currentState == .open)

            // Open: fails at once, without dialing or writing.
            let before = client.statistics
            for _ in 0..<10 {
                let error = await #expect(throws: CircuitOpenError.self) { try await redis.ping() }
                #expect(error?.retryAfter == .seconds(30))
            }
            #expect(client.statistics == before)
            #expect(breaker.statistics.rejected == 10)

            try server.start()
            clock.advance(by: .seconds(30))
            try await redis.ping()  // the half-open probe
            #expect(breaker.currentState == .closed)
            #expect(transitions.current == ["closed→open", "open→half-open", "half-open→closed"])
            #expect(try await redis.set("back", to: "yes"))
        }
    }

    @Test func errorRepliesDoNotCountAgainstRedis() async throws {
        try await withRedis { _, client in
            let breaker = CircuitBreaker(name: "redis", policy: Self.policy(), now: ManualClock().now)
            let redis = client.guarded(by: breaker)
            try await redis.set("text", to: "abc")
            for _ in 0..<5 { await #expect(throws: RedisError.self) { try await redis.incr("text") } }
            #expect(breaker.currentState == .closed)
            #expect(breaker.statistics.ignored == 5)
        }
    }

    @Test func retriesARefusedConnectionAsThePolicySaysThenGivesUp() async throws {
        try await withRedis(configure: { $0.poolSize = 1 }) { server, client in
            try await client.ping()
            server.stop()
            try? await client.ping()  // notices the loss
            let before = client.statistics.dials
            let policy = RetryPolicy(maxAttempts: 3, backoff: Backoff(base: .milliseconds(5), cap: .milliseconds(20), immediateFirstAttempt: false))
            let attempts = Shared(0)
            let error = await #expect(throws: RedisError.self) {
                try await withRetry(policy) { _ in
                    attempts.update { $0 += 1 }
                    return try await client.ping()
                }
            }
            #expect(error?.code == .connectFailed)
            #expect(attempts.current == 3)
            #expect(client.statistics.dials - before == 3)
        }
    }
}
