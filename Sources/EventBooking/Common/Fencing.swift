import MessagingRuntime

/// The store side of a `lock:` subject's fencing: a write carries the fencing token of the lease
/// it ran under, the store keeps the highest token it has seen per locked resource, and a write
/// with a lower one comes from a holder whose lease expired while it worked, so it is refused.
enum Fencing {
    /// Checks `presented` against the `stored` token of the resource.
    /// - Returns: the token to store with the write (the higher of the two).
    /// - Throws: `ErrorReply` 409 `stale_fencing_token` when `presented` is lower than `stored`.
    static func check(presented: Int64?, stored: Int64?) throws -> Int64? {
        guard let presented else { return stored }
        if let stored, presented < stored { throw staleToken(presented: presented, stored: stored) }
        return presented
    }

    static func staleToken(presented: Int64, stored: Int64) -> ErrorReply {
        ErrorReply(
            code: "stale_fencing_token", status: 409,
            message: "the lock this write ran under was lost (fencing token \(presented) < \(stored)); try again")
    }
}
