/// Request/reply over one wildcard subscription (`_INBOX.<nuid>.*`): each request gets a token
/// under the connection's inbox, and a reply finds its request by the token. Pure bookkeeping.
struct RequestMux: Sendable {
    /// `_INBOX.<nuid>.`
    let prefix: String
    private var nextToken: UInt64 = 1
    private var pending: [String: UInt64] = [:]

    init(prefix: String) { self.prefix = prefix }

    /// What the connection subscribes to once.
    var subscription: String { prefix + "*" }

    var count: Int { pending.count }

    /// A new request: its id and the reply subject to send with it.
    mutating func register() -> (id: UInt64, replyTo: String) {
        let id = nextToken
        nextToken += 1
        let token = String(id, radix: 36)
        pending[token] = id
        return (id, prefix + token)
    }

    /// The request a reply on `subject` answers, removed from the pending ones.
    mutating func resolve(_ subject: String) -> UInt64? {
        guard subject.hasPrefix(prefix) else { return nil }
        return pending.removeValue(forKey: String(subject.dropFirst(prefix.count)))
    }

    /// Forgets a request (timed out, cancelled).
    mutating func cancel(_ id: UInt64) {
        if let token = pending.first(where: { $0.value == id })?.key { pending.removeValue(forKey: token) }
    }

    /// Every pending request, forgotten.
    mutating func removeAll() -> [UInt64] {
        defer { pending = [:] }
        return Array(pending.values).sorted()
    }
}
