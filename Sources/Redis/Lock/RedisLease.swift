import Synchronization

/// A held lock: its random token (which proves ownership to release and extend) and its fencing
/// token, which rises with every acquisition of the resource. Pass the fencing token to the store
/// with every write made under the lock, so that the store rejects a holder whose lease expired
/// (`fencedSet`).
public final class RedisLease: Sendable, CustomStringConvertible {
    public let resource: String
    public let token: String
    /// Strictly increasing per resource, across holders.
    public let fencingToken: Int64
    public let ttl: Duration
    let key: String
    private let state: Mutex<(validUntil: ContinuousClock.Instant, lost: Bool, released: Bool)>

    init(resource: String, key: String, token: String, fencingToken: Int64, ttl: Duration, validUntil: ContinuousClock.Instant) {
        self.resource = resource
        self.key = key
        self.token = token
        self.fencingToken = fencingToken
        self.ttl = ttl
        self.state = Mutex((validUntil, false, false))
    }

    /// The local estimate of when the lease ends (TTL less clock drift, from before the request).
    public var validUntil: ContinuousClock.Instant { state.withLock { $0.validUntil } }

    /// The lease is gone: an extension found another holder, or it expired unextended.
    public var isLost: Bool { state.withLock { $0.lost } }

    /// Neither lost, released nor past its local validity.
    public var isValid: Bool {
        state.withLock { !$0.lost && !$0.released && ContinuousClock.now < $0.validUntil }
    }

    /// - Throws: `RedisLockError` `.leaseLost` when the lease is not valid any more.
    public func checkValid() throws(RedisLockError) {
        guard isValid else { throw RedisLockError(.leaseLost, resource: resource, "the lease (fence \(fencingToken)) is no longer held") }
    }

    var isReleased: Bool { state.withLock { $0.released } }
    func markLost() { state.withLock { $0.lost = true } }
    func markReleased() { state.withLock { $0.released = true } }
    func extend(until instant: ContinuousClock.Instant) { state.withLock { $0.validUntil = instant } }

    public var description: String { "lease on '\(resource)' (fence \(fencingToken))" }
}
