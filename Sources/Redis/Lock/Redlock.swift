/// Redlock across N independent Redis masters (N odd, usually 3 or 5): a lease needs the lock on
/// a majority, taken within its TTL less the time taken and the clock-drift allowance.
///
/// Fencing tokens stay strictly increasing per resource: after locking a majority, the holder
/// reads each server's fence counter, takes the highest plus one, and raises the counter to it on
/// the servers it holds (phase 2, which must reach a majority too). Any two majorities share a
/// server, so the next holder reads a counter at least as high. Give each client short connect
/// and command timeouts (well below the TTL): a server that is down must not use up the lease.
public struct Redlock: DistributedLock {
    public let servers: [any RedisCommandExecutor]
    public let options: RedisLockOptions

    public init(_ servers: [any RedisCommandExecutor], options: RedisLockOptions = RedisLockOptions()) {
        precondition(!servers.isEmpty, "Redlock needs at least one server")
        self.servers = servers
        self.options = options
    }

    /// How many servers must agree.
    public var quorum: Int { servers.count / 2 + 1 }

    private func keys(_ resource: String) -> [String] {
        ["\(options.keyPrefix){\(resource)}", "\(options.keyPrefix){\(resource)}:fence"]
    }

    /// One attempt on every server at once; a server that fails counts as not locked. Without a
    /// majority (or past the validity) the servers that were locked are released again.
    public func tryAcquire(_ resource: String, ttl: Duration) async throws -> RedisLease? {
        let token = RedisLock.randomToken()
        let keys = keys(resource)
        let milliseconds = RedisArgument(RedisExpiration.wholeMilliseconds(ttl))
        let started = ContinuousClock.now
        let counters = await onEachServer(servers.indices) { server in
            try await server.evalSHA(LockScripts.redlockAcquire, keys: keys, arguments: [RedisArgument(token), milliseconds]).integer
        }
        let locked = counters.compactMap { index, counter in counter.map { (index, $0) } }
        let validUntil = validity(from: started, ttl: ttl)
        guard locked.count >= quorum, let highest = locked.map(\.1).max() else {
            await releaseEverywhere(keys[0], token: token)
            return nil
        }
        let fence = highest + 1
        let raised = await onEachServer(locked.map(\.0)) { server in
            try await server.evalSHA(LockScripts.redlockFence, keys: keys, arguments: [RedisArgument(token), RedisArgument(fence)]) == .integer(1)
        }
        guard raised.filter({ $0.1 == true }).count >= quorum, ContinuousClock.now < validUntil else {
            await releaseEverywhere(keys[0], token: token)
            return nil
        }
        return RedisLease(resource: resource, key: keys[0], token: token, fencingToken: fence, ttl: ttl, validUntil: validUntil)
    }

    /// Releases on every server (also those that did not grant it: a reply may have been lost).
    /// - Returns: whether a majority still held it and deleted it.
    @discardableResult
    public func release(_ lease: RedisLease) async throws -> Bool {
        lease.markReleased()
        return await releaseEverywhere(lease.key, token: lease.token) >= quorum
    }

    /// Extends on every server; the lease stays valid only if a majority did so in time.
    @discardableResult
    public func extend(_ lease: RedisLease, ttl: Duration?) async throws -> Bool {
        let ttl = ttl ?? lease.ttl
        let started = ContinuousClock.now
        let results = await onEachServer(servers.indices) { server in
            try await server.evalSHA(
                LockScripts.extend, keys: [lease.key],
                arguments: [RedisArgument(lease.token), RedisArgument(RedisExpiration.wholeMilliseconds(ttl))]) == .integer(1)
        }
        let validUntil = validity(from: started, ttl: ttl)
        guard results.filter({ $0.1 == true }).count >= quorum, ContinuousClock.now < validUntil else {
            lease.markLost()
            return false
        }
        lease.extend(until: validUntil)
        return true
    }

    /// - Returns: on how many servers the token held the lock and it was deleted.
    @discardableResult
    private func releaseEverywhere(_ key: String, token: String) async -> Int {
        let results = await onEachServer(servers.indices) { server in
            try await server.evalSHA(LockScripts.release, keys: [key], arguments: [RedisArgument(token)]) == .integer(1)
        }
        return results.filter { $0.1 == true }.count
    }

    /// Runs `body` on the given servers at once; a server whose call throws gives nil.
    private func onEachServer<T: Sendable>(
        _ indices: some Sequence<Int>, _ body: @escaping @Sendable (any RedisCommandExecutor) async throws -> T?
    ) async -> [(Int, T?)] {
        await withTaskGroup(of: (Int, T?).self) { group in
            for index in indices {
                let server = servers[index]
                group.addTask { (index, try? await body(server)) }
            }
            var results: [(Int, T?)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
    }
}
