/// Request/reply over one wildcard subscription (`_INBOX.<nuid>.*`): each request gets an id,
/// its reply subject is the inbox prefix and the id in base 36, and a reply finds its request by
/// parsing that token back (no string is made per reply). Pure bookkeeping: `NATSConnection`
/// keeps one behind a lock, so that requests register from any thread and replies resolve on
/// the event loop.
struct RequestMux<Pending> {
    /// `_INBOX.<nuid>.`
    let prefix: String
    private var nextID: UInt64 = 1
    private var pending: [UInt64: Pending] = [:]

    init(prefix: String) { self.prefix = prefix }

    /// What the connection subscribes to once.
    var subscription: String { prefix + "*" }

    var count: Int { pending.count }

    /// A new request id (registered later with `insert`, so that a cancellation handler can name it first).
    mutating func reserve() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    /// The reply subject of request `id`.
    func replyTo(_ id: UInt64) -> String { prefix + String(id, radix: 36) }

    mutating func insert(_ value: Pending, for id: UInt64) { pending[id] = value }

    func contains(_ id: UInt64) -> Bool { pending[id] != nil }

    /// The request a reply on `subject` answers, removed from the pending ones.
    mutating func resolve(_ subject: String) -> Pending? {
        guard let id = Self.id(of: subject, prefix: prefix) else { return nil }
        return pending.removeValue(forKey: id)
    }

    /// Forgets a request (answered, timed out, cancelled) and returns it if it was pending.
    mutating func remove(_ id: UInt64) -> Pending? { pending.removeValue(forKey: id) }

    /// The pending requests `matching`, removed, in the order they were made.
    mutating func removeAll(where matching: (Pending) -> Bool = { _ in true }) -> [Pending] {
        let ids = pending.filter { matching($0.value) }.keys.sorted()
        return ids.compactMap { pending.removeValue(forKey: $0) }
    }

    /// The id in a reply subject: `prefix` then base-36 digits (at most 13, the digits of a UInt64).
    static func id(of subject: String, prefix: String) -> UInt64? {
        var subject = subject
        return subject.withUTF8 { bytes -> UInt64? in
            let head = prefix.utf8.count
            guard bytes.count > head, bytes.count - head <= 13, bytes.starts(with: prefix.utf8) else { return nil }
            var id: UInt64 = 0
            for byte in bytes[head...] {
                let digit: UInt64
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
                default: return nil
                }
                let (times36, overflow) = id.multipliedReportingOverflow(by: 36)
                let (sum, carry) = times36.addingReportingOverflow(digit)
                guard !overflow, !carry else { return nil }
                id = sum
            }
            return id
        }
    }
}

extension RequestMux: Sendable where Pending: Sendable {}
