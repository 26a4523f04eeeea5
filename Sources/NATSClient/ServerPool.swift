/// The servers a connection may use (ADR-40): the URLs it was given plus the `connect_urls` a server
/// announces in INFO. Connecting picks the next server round-robin; a server whose last
/// `maxReconnectAttempts` attempts all failed leaves the pool (as in nats.go). Pure: the random order comes from
/// an injected generator.
public struct ServerPool: Sendable {
    public struct Entry: Sendable, Hashable {
        public var address: ServerAddress
        /// Connection attempts that failed since the last success.
        public var failures: Int
        /// Learned from INFO rather than configured.
        public var isDiscovered: Bool
    }

    public private(set) var entries: [Entry]
    public let randomize: Bool
    /// Nil: try forever.
    public let maxReconnectAttempts: Int?

    /// - Parameters:
    ///   - randomize: shuffle the configured servers (and each batch of discovered ones), as clients
    ///     do by default to spread load; false keeps the given order.
    public init(
        _ servers: [ServerAddress], randomize: Bool = true, maxReconnectAttempts: Int? = nil,
        using random: inout some RandomNumberGenerator
    ) {
        var unique: [ServerAddress] = []
        for server in servers where !unique.contains(where: { $0.endpoint == server.endpoint }) { unique.append(server) }
        if randomize { unique.shuffle(using: &random) }
        self.entries = unique.map { Entry(address: $0, failures: 0, isDiscovered: false) }
        self.randomize = randomize
        self.maxReconnectAttempts = maxReconnectAttempts
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var addresses: [ServerAddress] { entries.map(\.address) }

    /// The server to try next, moved to the back of the pool so that the one after is another.
    public mutating func next() -> ServerAddress? {
        guard !entries.isEmpty else { return nil }
        let entry = entries.removeFirst()
        entries.append(entry)
        lastHandedOut = entry.address.endpoint
        return entry.address
    }

    /// A connection to `address` succeeded: its failures are forgotten.
    public mutating func connected(to address: ServerAddress) {
        if let index = index(of: address) { entries[index].failures = 0 }
    }

    /// A connection attempt to `address` failed; at the limit (or at once with `giveUp`) the
    /// server leaves the pool.
    public mutating func failed(_ address: ServerAddress, giveUp: Bool = false) {
        guard let index = index(of: address) else { return }
        entries[index].failures += 1
        if giveUp {
            entries.remove(at: index)
            return
        }
        if let limit = maxReconnectAttempts, entries[index].failures >= limit { entries.remove(at: index) }
    }

    /// Adds the servers of INFO's `connect_urls` that the pool does not hold yet; returns how many.
    /// Discovered servers inherit the credentials and scheme of `template` (the current server),
    /// and, when announced by IP address, the name its TLS certificate is checked against. As in
    /// nats.go, a list that is not empty also replaces the servers learned before: one it no longer
    /// names (gone from the cluster, a pod's old address) leaves the pool, unless it is in use;
    /// the servers given stay.
    @discardableResult
    public mutating func discovered(
        _ urls: [String], like template: ServerAddress?, using random: inout some RandomNumberGenerator
    ) -> Int {
        if !urls.isEmpty {
            let announced = Set(urls.compactMap { ServerAddress($0)?.endpoint })
            entries.removeAll { $0.isDiscovered && $0.address.endpoint != lastHandedOut && !announced.contains($0.address.endpoint) }
        }
        var added: [Entry] = []
        for url in urls {
            guard var address = ServerAddress(url) else { continue }
            if let template {
                address.tls = address.tls || template.tls
                if address.user == nil { (address.user, address.password) = (template.user, template.password) }
                if address.hostIsIPAddress { address.tlsName = template.tlsServerName }
            }
            guard index(of: address) == nil, !added.contains(where: { $0.address.endpoint == address.endpoint }) else { continue }
            added.append(Entry(address: address, failures: 0, isDiscovered: true))
        }
        if randomize { added.shuffle(using: &random) }
        // The server in use stays at the back: when it goes, the newcomers are tried first.
        if let current = entries.last, current.address.endpoint == lastHandedOut {
            entries.insert(contentsOf: added, at: entries.count - 1)
        } else {
            entries += added
        }
        return added.count
    }

    /// The endpoint `next()` returned last: the server in use or being tried.
    private var lastHandedOut: String?

    private func index(of address: ServerAddress) -> Int? {
        entries.firstIndex { $0.address.endpoint == address.endpoint }
    }
}
