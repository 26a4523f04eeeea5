/// Where and how to connect. Defaults: 127.0.0.1:6379, database 0, no AUTH, connect and
/// command timeouts 5 s, a pool of 2 connections.
public struct RedisOptions: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// An ACL user (Redis 6+); nil sends `AUTH password` alone (the `default` user).
    public var username: String?
    public var password: String?
    /// Selected after every (re)connect.
    public var database: Int
    /// TCP connect.
    public var connectTimeout: Duration
    /// The longest wait for a reply; past it the command fails with `.timeout` and its
    /// connection is closed (later replies could not be matched to their commands).
    public var commandTimeout: Duration
    /// Connections of a `RedisClient`, each pipelined.
    public var poolSize: Int

    public init(
        host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0,
        connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(5), poolSize: Int = 2
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.poolSize = poolSize
    }

    /// `redis://[[username]:password@]host[:port][/database]`; user and password may be
    /// percent-encoded, an IPv6 host goes in brackets. TLS (`rediss://`) is not supported.
    /// - Throws: `RedisError` `.invalidArgument` naming what is wrong.
    public init(url: String) throws(RedisError) {
        self.init()
        guard url.hasPrefix("redis://") else {
            let reason = url.hasPrefix("rediss://") ? "TLS (rediss://) is not supported" : "expected redis://host[:port][/db]"
            throw RedisError(.invalidArgument, "'\(Self.shown(url))': \(reason)")
        }
        var rest = Substring(url.dropFirst("redis://".count))
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let user = try Self.percentDecoded(credentials[..<colon], url)
                username = user.isEmpty ? nil : user
                password = try Self.percentDecoded(credentials[credentials.index(after: colon)...], url)
            } else {
                // `redis://secret@host`, as redis-py reads it: a password alone.
                password = try Self.percentDecoded(credentials, url)
            }
        }
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw RedisError(.invalidArgument, "'\(Self.shown(url))': unclosed '[' in the host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw RedisError(.invalidArgument, "'\(Self.shown(url))': unexpected '\(after)' after the host")
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        if host.isEmpty { host = "127.0.0.1" }
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw RedisError(.invalidArgument, "'\(Self.shown(url))': port '\(portText)' is not 1...65535")
            }
            port = value
        }
        if !path.isEmpty {
            guard let value = Int(path), value >= 0 else { throw RedisError(.invalidArgument, "'\(Self.shown(url))': database '\(path)' is not a number") }
            database = value
        }
    }

    private static func percentDecoded(_ text: Substring, _ url: String) throws(RedisError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { throw RedisError(.invalidArgument, "'\(Self.shown(url))': bad percent-encoding in the credentials") }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension RedisOptions {
    /// A Redis URL as logs and errors may show it: whatever precedes its `@` (user and password)
    /// redacted.
    public static func shown(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        let start = url[..<at].firstRange(of: "://").map(\.upperBound) ?? url.startIndex
        return String(url[..<start]) + "<redacted>" + String(url[at...])
    }
}

extension RedisOptions: CustomStringConvertible {
    /// The options without the password, so that they can be logged.
    public var description: String {
        let credentials = username.map { "\($0):<redacted>@" } ?? (password == nil ? "" : ":<redacted>@")
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "redis://\(credentials)\(shownHost):\(port)/\(database) (pool \(poolSize), connect timeout \(connectTimeout), command timeout \(commandTimeout))"
    }
}
