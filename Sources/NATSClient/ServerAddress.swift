/// A NATS server to connect to: `nats://host:4222`, `tls://user:pass@host`, `host:port`, `[::1]:4222`.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public var host: String
    public var port: Int
    /// `tls://` asks for TLS from the start.
    public var tls: Bool
    public var user: String?
    public var password: String?
    /// The name to check the server's TLS certificate against when `host` is an IP address the
    /// client learned from a server's INFO (`connect_urls`): the host name of the URL it was given,
    /// as nats.go keeps it, since a cluster's certificates often name its hosts only.
    public var tlsName: String?

    public static let defaultPort = 4222

    public init(host: String, port: Int = ServerAddress.defaultPort, tls: Bool = false, user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.user = user
        self.password = password
    }

    /// Parses a URL or `host[:port]`; nil when it is not one.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingSpaces)
        var tls = false
        if let range = rest.firstRange(of: "://") {
            switch rest[..<range.lowerBound].lowercased() {
            case "nats": tls = false
            case "tls": tls = true
            default: return nil
            }
            rest = rest[range.upperBound...]
        }
        while rest.last == "/" { rest = rest.dropLast() }
        var user: String?, password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            // Percent-encoded as URLs write them (`p%40ss` for `p@ss`), as nats.go reads them.
            if let colon = credentials.firstIndex(of: ":") {
                user = Self.percentDecoded(credentials[..<colon])
                password = Self.percentDecoded(credentials[credentials.index(after: colon)...])
            } else {
                user = Self.percentDecoded(credentials)
            }
            guard user != nil, password != nil || !credentials.contains(":") else { return nil }
        }
        var host: Substring, portText: Substring?
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        var port = Self.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { return nil }
            port = value
        }
        self.init(host: String(host), port: port, tls: tls, user: user, password: password)
    }

    /// What `dump` and debuggers show: the credentials redacted.
    public var customMirror: Mirror {
        // A user without a password is a token (`nats://token@host`).
        let shownUser = password == nil ? user.map { _ in "<redacted>" } : user
        return Mirror(self, children: [
            "host": host, "port": port, "tls": tls, "user": shownUser as Any, "password": password.map { _ in "<redacted>" } as Any,
            "tlsName": tlsName as Any,
        ])
    }

    /// The same address, whatever name its TLS certificate is checked against (`tlsName`, which
    /// the pool sets for servers it learns of): a server in an event equals the URL it came from.
    public static func == (lhs: ServerAddress, rhs: ServerAddress) -> Bool {
        (lhs.host, lhs.port, lhs.tls, lhs.user, lhs.password) == (rhs.host, rhs.port, rhs.tls, rhs.user, rhs.password)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
        hasher.combine(tls)
        hasher.combine(user)
        hasher.combine(password)
    }

    /// `nats://host:port` without credentials: safe to log.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(tls ? "tls" : "nats")://\(shownHost):\(port)"
    }

    /// A server URL as logs and errors may show it: its address without credentials, or, for
    /// text that is not a URL, the text with whatever precedes an `@` redacted.
    public static func shown(_ text: String) -> String {
        if let address = ServerAddress(text) { return address.description }
        guard let at = text.lastIndex(of: "@") else { return text }
        // The scheme's `://` comes before the credentials (a password may hold one too).
        let start = text[..<at].range(of: "://").map(\.upperBound) ?? text.startIndex
        return String(text[..<start]) + "<redacted>" + String(text[at...])
    }

    /// `%XX` escapes decoded; nil for a broken escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(Self.hexValue), let low = utf8.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether `host` is an IPv4 or IPv6 address rather than a name.
    var hostIsIPAddress: Bool {
        host.contains(":") || host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { UInt8($0) != nil }
    }

    /// The name a TLS handshake sends (SNI) and verifies the certificate against; nil for an IP
    /// address, checked against the certificate's IP entries.
    var tlsServerName: String? { tlsName ?? (hostIsIPAddress ? nil : host) }

    /// The same server, whatever the credentials and scheme: how the pool recognises a server.
    var endpoint: String { "\(host.lowercased()):\(port)" }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
