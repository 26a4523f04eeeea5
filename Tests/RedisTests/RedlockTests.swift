import Redis
import Resilience
import Testing
import TestSupport

@Suite(.serialized, .timeLimit(.minutes(1)))
struct RedlockTests {
    /// Three independent servers, a client for each, and a Redlock over them. Production wants short
    /// timeouts; these are long enough for a loaded CI machine (a stopped server refuses at once anyway).
    func withServers(_ body: ([RedisServer], [RedisClient], Redlock) async throws -> Void) async throws {
        let servers = try (0..<3).map { _ in try RedisServer() }
        let clients = servers.map {
            RedisClient(options: RedisOptions(port: $0.port, connectTimeout: .seconds(2), commandTimeout: .seconds(2), poolSize: 2))
        }
        let options = RedisLockOptions(retryBackoff: Backoff(base: .milliseconds(2), cap: .milliseconds(40), immediateFirstAttempt: false))
        do {
            try await body(servers, clients, Redlock(clients, options: options))
        } catch {
            for client in clients { await client.close() }
            throw error
        }
        for client in clients { await client.close() }
    }

    @Test func aMajorityGrantsTheLeaseAndFencesRise() async throws {
        try await withServers { servers, clients, redlock in
            #expect(redlock.quorum == 2)
            // Where a grant is expected, acquire (retrying until a deadline): on a loaded machine one
            // try may outlive its own validity, which Redlock rightly counts as a failure.
            let first = try await redlock.acquire("job", ttl: .seconds(30), timeout: .seconds(20))
            for client in clients { #expect(try await client.get("lock:{job}") == first.token) }
            #expect(try await redlock.tryAcquire("job", ttl: .seconds(5)) == nil)
            #expect(try await redlock.release(first))
            for client in clients { #expect(try await client.get("lock:{job}") == nil) }

            servers[2].stop()  // a minority down: still granted, with a higher fence
            let second = try await redlock.acquire("job", ttl: .seconds(30), timeout: .seconds(20))
            #expect(second.fencingToken > first.fencingToken)
            #expect(try await redlock.extend(second))
            #expect(try await redlock.release(second))

            servers[1].stop()  // a majority down: refused, and the one server left is not kept locked
            #expect(try await redlock.tryAcquire("job", ttl: .seconds(5)) == nil)
            #expect(try await clients[0].get("lock:{job}") == nil)
        }
    }

    @Test func aLockHeldOnAMajorityByAnotherOwnerIsNotTaken() async throws {
        try await withServers { _, clients, redlock in
            for client in clients.prefix(2) { try await client.set("lock:{shared}", to: "someone-else", expiration: .seconds(10)) }
            #expect(try await redlock.tryAcquire("shared", ttl: .seconds(5)) == nil)
            #expect(try await clients[2].get("lock:{shared}") == nil)  // its partial lock was given back
            let error = await #expect(throws: RedisLockError.self) { try await redlock.acquire("shared", ttl: .seconds(1), timeout: .milliseconds(150)) }
            #expect(error?.code == .notAcquired)
        }
    }

    @Test func racingTasksHoldTheRedlockOneAtATimeWithRisingFences() async throws {
        try await withServers { _, _, redlock in
            let holders = Shared(0), most = Shared(0), fences = Shared<[Int64]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await redlock.withLock("race", ttl: .seconds(5), timeout: .seconds(40), watchdog: nil) { lease in
                            let inside = holders.update { $0 += 1; return $0 }
                            most.update { $0 = max($0, inside) }
                            fences.update { $0.append(lease.fencingToken) }
                            try await Task.sleep(for: .milliseconds(2))
                            holders.update { $0 -= 1 }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(most.current == 1)
            let order = fences.current
            #expect(order.count == 20)
            #expect(zip(order, order.dropFirst()).allSatisfy { $0 < $1 }, "fences in order of holding: \(order)")
        }
    }
}
