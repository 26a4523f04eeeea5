/// The Lua scripts of locks and fenced writes; each runs atomically on the server.
enum LockScripts {
    /// KEYS: lock, fence counter; ARGV: token, ttl ms. Takes the lock if free and returns the
    /// next fencing token of the resource, or nil when someone else holds it. One script, so a
    /// holder always has a token and tokens follow the order of acquisition.
    static let acquire = RedisScript(
        """
        if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return redis.call('incr', KEYS[2])
        end
        return false
        """)

    /// KEYS: lock; ARGV: token. Deletes the lock only if this token holds it: 1, else 0.
    static let release = RedisScript(
        """
        if redis.call('get', KEYS[1]) == ARGV[1] then
          return redis.call('del', KEYS[1])
        end
        return 0
        """)

    /// KEYS: lock; ARGV: token, ttl ms. Sets a new TTL only if this token holds it: 1, else 0.
    static let extend = RedisScript(
        """
        if redis.call('get', KEYS[1]) == ARGV[1] then
          return redis.call('pexpire', KEYS[1], ARGV[2])
        end
        return 0
        """)

    /// KEYS: a hash holding `value` and `fence`; ARGV: fencing token, value. Writes only if the
    /// token is at least the highest one that wrote there: 1, else 0 (a stale holder).
    static let fencedSet = RedisScript(
        """
        local seen = tonumber(redis.call('hget', KEYS[1], 'fence') or '-1')
        if tonumber(ARGV[1]) < seen then
          return 0
        end
        redis.call('hset', KEYS[1], 'fence', ARGV[1], 'value', ARGV[2])
        return 1
        """)

    /// Redlock, phase 1 on each server. KEYS: lock, fence counter; ARGV: token, ttl ms. Takes the
    /// lock if free and returns the server's fence counter (0 when none), else nil.
    static let redlockAcquire = RedisScript(
        """
        if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return tonumber(redis.call('get', KEYS[2]) or '0')
        end
        return false
        """)

    /// Redlock, phase 2 on each server locked in phase 1. KEYS: lock, fence counter; ARGV: token,
    /// fence. Raises the counter to the fence (never lowers it) while this token holds the lock: 1, else 0.
    static let redlockFence = RedisScript(
        """
        if redis.call('get', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        if tonumber(ARGV[2]) > tonumber(redis.call('get', KEYS[2]) or '0') then
          redis.call('set', KEYS[2], ARGV[2])
        end
        return 1
        """)
}
