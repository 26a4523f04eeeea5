public import NIOCore

/// The condition of a `SET`.
public enum RedisSetCondition: Sendable, Hashable {
    case always
    /// `NX`: only when the key does not exist.
    case ifNotExists
    /// `XX`: only when it does.
    case ifExists
}

/// The expiry of a `SET`: `EX` seconds or `PX` milliseconds.
public enum RedisExpiration: Sendable, Hashable {
    case seconds(Int)
    case milliseconds(Int)

    /// `PX`, rounded up to a whole millisecond (never 0).
    public static func after(_ duration: Duration) -> RedisExpiration { .milliseconds(wholeMilliseconds(duration)) }

    static func wholeMilliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
    }
}

extension RedisCommandExecutor {
    /// `PING`.
    public func ping() async throws {
        let reply = try await command("PING")
        guard reply == .status("PONG") else { throw Self.unexpected(reply, "PING") }
    }

    /// `GET key` as text; nil when the key does not exist.
    public func get(_ key: String) async throws -> String? {
        try await getBuffer(key).map { String(buffer: $0) }
    }

    /// `GET key` as bytes; nil when the key does not exist.
    public func getBuffer(_ key: String) async throws -> ByteBuffer? {
        switch try await command("GET", RedisArgument(key)) {
        case .bulk(let buffer): return buffer
        case .null: return nil
        case let reply: throw Self.unexpected(reply, "GET")
        }
    }

    /// `SET key value [NX|XX] [EX s|PX ms]`.
    /// - Returns: whether the value was set (false when `NX`/`XX` did not hold).
    @discardableResult
    public func set(
        _ key: String, to value: RedisArgument, condition: RedisSetCondition = .always, expiration: RedisExpiration? = nil
    ) async throws -> Bool {
        var arguments: [RedisArgument] = ["SET", RedisArgument(key), value]
        switch condition {
        case .always: break
        case .ifNotExists: arguments.append("NX")
        case .ifExists: arguments.append("XX")
        }
        switch expiration {
        case .seconds(let seconds)?: arguments += ["EX", RedisArgument(seconds)]
        case .milliseconds(let milliseconds)?: arguments += ["PX", RedisArgument(milliseconds)]
        case nil: break
        }
        switch try await command(arguments) {
        case .status("OK"): return true
        case .null: return false
        case let reply: throw Self.unexpected(reply, "SET")
        }
    }

    @discardableResult
    public func set(
        _ key: String, to value: String, condition: RedisSetCondition = .always, expiration: RedisExpiration? = nil
    ) async throws -> Bool {
        try await set(key, to: RedisArgument(value), condition: condition, expiration: expiration)
    }

    /// `DEL key…`: how many keys were removed.
    @discardableResult
    public func del(_ keys: String...) async throws -> Int {
        try await del(keys)
    }

    @discardableResult
    public func del(_ keys: [String]) async throws -> Int {
        Int(try await integer(["DEL"] + keys.map { RedisArgument($0) }, "DEL"))
    }

    /// `INCR key`: the new value.
    @discardableResult
    public func incr(_ key: String) async throws -> Int64 {
        try await integer(["INCR", RedisArgument(key)], "INCR")
    }

    /// `EXPIRE key seconds`: false when the key does not exist.
    @discardableResult
    public func expire(_ key: String, seconds: Int) async throws -> Bool {
        try await integer(["EXPIRE", RedisArgument(key), RedisArgument(seconds)], "EXPIRE") == 1
    }

    /// `PEXPIRE key milliseconds`: false when the key does not exist.
    @discardableResult
    public func pexpire(_ key: String, milliseconds: Int) async throws -> Bool {
        try await integer(["PEXPIRE", RedisArgument(key), RedisArgument(milliseconds)], "PEXPIRE") == 1
    }

    /// `PTTL key`: milliseconds left, -1 without expiry, -2 when the key does not exist.
    public func pttl(_ key: String) async throws -> Int64 {
        try await integer(["PTTL", RedisArgument(key)], "PTTL")
    }

    private func integer(_ arguments: [RedisArgument], _ name: String) async throws -> Int64 {
        let reply = try await command(arguments)
        guard case .integer(let value) = reply else { throw Self.unexpected(reply, name) }
        return value
    }

    static func unexpected(_ reply: RedisReply, _ name: String) -> RedisError {
        RedisError(.unexpectedReply, "unexpected reply to \(name): \(reply)")
    }
}
