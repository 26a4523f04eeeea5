import NIOCore
import Resilience
import Synchronization
import Testing

@testable import Redis

@Suite(.serialized, .timeLimit(.minutes(1)))
struct RedisLockTests {
    static let quickRetries = RedisLockOptions(retryBackoff: Backoff(base: .milliseconds(2), cap: .milliseconds(40), immediateFirstAttempt: false))

    /// What the racing holders saw.
    final class Probe: Sendable {
        let holders = Atomic<Int>(0)
        let mostHolders = Atomic<Int>(0)
        let fences = Mutex<[Int64]>([])
    }

    @Test func lockTokensAreRandom128BitHex() {
        let tokens = Set((0..<100).map { _ in RedisLock.randomToken() })
        #expect(tokens.count == 100)
        #expect(tokens.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func fiftyRacingTasksHoldTheLockOneAtATimeWithRisingFences() async throws {
        try await withRedis(configure: { $0.poolSize = 4 }) { _, redis in
            let lock = RedisLock(redis, options: Self.quickRetries)
            let probe = Probe()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await lock.withLock("race", ttl: .seconds(10), timeout: .seconds(40), watchdog: nil) { lease in
                            let inside = probe.holders.add(1, ordering: .sequentiallyConsistent).newValue
                            probe.mostHolders.max(inside, ordering: .sequentiallyConsistent)
                            probe.fences.withLock { $0.append(lease.fencingToken) }
                            try await Task.sleep(for: .milliseconds(2))
                            probe.holders.subtract(1, ordering: .sequentiallyConsistent)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(probe.mostHolders.load(ordering: .sequentiallyConsistent) == 1)
            let fences = probe.fences.withLock { $0 }
            #expect(fences.count == 50)
            #expect(zip(fences, fences.dropFirst()).allSatisfy { $0 < $1 }, "fences in order of holding: \(fences)")
            #expect(try await redis.get(lock.key(for: "race")) == nil)
        }
    }

    @Test func aStaleHoldersFencedWriteIsRejected() async throws {
        try await withRedis { _, redis in
            let lock = RedisLock(redis, options: Self.quickRetries)
            // The first holder pauses past its TTL (a GC pause, a stalled VM); a second takes over and writes.
            let stale = try await lock.withLock("doc", ttl: .milliseconds(200), timeout: .seconds(5), watchdog: nil) { lease in
                #expect(try await redis.fencedSet("doc:data", to: "first", lease: lease))
                try await Task.sleep(for: .milliseconds(400))
                #expect(!lease.isValid)
                let fresh = try await lock.acquire("doc", ttl: .seconds(5), timeout: .seconds(5))
                #expect(fresh.fencingToken > lease.fencingToken)
                #expect(try await redis.fencedSet("doc:data", to: "second", lease: fresh))
                // The stale holder wakes up and writes: the store turns it away.
                #expect(try await redis.fencedSet("doc:data", to: "stale", lease: lease) == false)
                return (lease.fencingToken, fresh)
            }
            let stored = try #require(try await redis.fencedGet("doc:data"))
            #expect(String(buffer: stored.value) == "second")
            #expect(stored.fencingToken == stale.1.fencingToken)
            // Leaving withLock, the stale lease's release did not delete the new holder's lock.
            #expect(try await redis.get(lock.key(for: "doc")) == stale.1.token)
            #expect(try await lock.release(stale.1))
        }
    }

    @Test func releaseOrExtendByANonHolderDoesNothing() async throws {
        try await withRedis { _, redis in
            let lock = RedisLock(redis)
            let lease = try await lock.acquire("account", ttl: .seconds(5), timeout: .seconds(1))
            let impostor = RedisLease(
                resource: "account", key: lock.key(for: "account"), token: RedisLock.randomToken(), fencingToken: lease.fencingToken,
                ttl: .seconds(60), validUntil: .now + .seconds(60))
            #expect(try await lock.release(impostor) == false)
            #expect(try await lock.extend(impostor) == false)
            #expect(impostor.isLost)
            #expect(try await redis.get(lock.key(for: "account")) == lease.token)
            #expect(try await redis.pttl(lock.key(for: "account")) <= 5000)
            #expect(try await lock.tryAcquire("account", ttl: .seconds(1)) == nil)
            #expect(try await lock.release(lease))
            #expect(try await redis.get(lock.key(for: "account")) == nil)
        }
    }

    @Test func acquireGivesUpAtTheDeadline() async throws {
        try await withRedis { _, redis in
            let lock = RedisLock(redis, options: Self.quickRetries)
            let held = try await lock.acquire("busy", ttl: .seconds(10), timeout: .seconds(1))
            let started = ContinuousClock.now
            let error = await #expect(throws: RedisLockError.self) { try await lock.acquire("busy", ttl: .seconds(1), timeout: .milliseconds(200)) }
            #expect(error?.code == .notAcquired)
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(try await lock.release(held))
        }
    }

    @Test func theWatchdogKeepsALeasePastItsTTL() async throws {
        try await withRedis { _, redis in
            let lock = RedisLock(redis)
            // Work of 2.5 TTLs; a TTL of a second, so that a loaded machine (the suites run in
            // parallel on 2 cores) stalling the renewals for a few hundred ms does not lose it.
            try await lock.withLock("long-job", ttl: .seconds(1), timeout: .seconds(1), watchdog: LeaseWatchdog(interval: .milliseconds(150))) { lease in
                try await Task.sleep(for: .milliseconds(2500))
                #expect(lease.isValid)
                #expect(try await redis.get(lock.key(for: "long-job")) == lease.token)
            }
            #expect(try await redis.get(lock.key(for: "long-job")) == nil)
        }
    }

    @Test func theWatchdogCancelsTheWorkWhenTheLeaseIsLost() async throws {
        try await withRedis { _, redis in
            let lock = RedisLock(redis)
            let started = ContinuousClock.now
            let error = await #expect(throws: RedisLockError.self) {
                try await lock.withLock("fragile", ttl: .milliseconds(300), timeout: .seconds(1), watchdog: LeaseWatchdog(interval: .milliseconds(50))) { lease in
                    try await redis.del(lock.key(for: "fragile"))  // an operator, or an expiry, takes it away
                    try await Task.sleep(for: .seconds(20))
                }
            }
            #expect(error?.code == .leaseLost)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func theWatchdogGivesUpWhenRedisIsUnreachableUntilTheLeaseRunsOut() async throws {
        try await withRedis(configure: { $0.connectTimeout = .milliseconds(200) }) { server, redis in
            let lock = RedisLock(redis)
            let started = ContinuousClock.now
            let error = await #expect(throws: RedisLockError.self) {
                try await lock.withLock("outage", ttl: .milliseconds(400), timeout: .seconds(1), watchdog: LeaseWatchdog(interval: .milliseconds(100))) { lease in
                    server.stop()
                    try await Task.sleep(for: .seconds(20))
                }
            }
            #expect(error?.code == .leaseLost)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func withLockReleasesOnErrorsAndOnCancellation() async throws {
        struct Boom: Error {}
        try await withRedis { _, redis in
            let lock = RedisLock(redis)
            await #expect(throws: Boom.self) {
                try await lock.withLock("scoped", ttl: .seconds(10), timeout: .seconds(1)) { _ in throw Boom() }
            }
            #expect(try await redis.get(lock.key(for: "scoped")) == nil)

            let entered = Shared(false)
            let task = Task {
                try await lock.withLock("scoped", ttl: .seconds(10), timeout: .seconds(1)) { _ in
                    entered.update { $0 = true }
                    try await Task.sleep(for: .seconds(20))
                }
            }
            while !entered.current { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(try await redis.get(lock.key(for: "scoped")) == nil)
        }
    }
}
