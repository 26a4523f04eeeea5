extension NATSConnection {
    /// Drains, then closes, as nats.go does: every subscription is unsubscribed at the server; the
    /// messages it sent before that are still delivered (each subscription's sequence ends after
    /// its last one); the tasks reading the subscriptions finish with them (a reader is done once
    /// it has asked for the message after the last, or has stopped reading); what they published
    /// meanwhile, replies say, is flushed with everything else; then the connection closes. A
    /// subscription no task reads keeps its messages, readable after the close. All of it within
    /// `timeout` (and the options' `closeTimeout`); a reader that drains its own connection waits for itself
    /// until then.
    /// - Throws: `NATSClientError` when the server could not confirm a flush (`.disconnected`,
    ///   `.timeout`) or the readers were not done in time (`.timeout`); the connection is closed
    ///   all the same.
    public func drain(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        let remaining = { max(deadline - ContinuousClock.now, .milliseconds(1)) }
        let userSubscriptions: [UInt64] = try await eventLoop.submit {
            guard !self.isClosed else { throw NATSClientError(.connectionClosed, "the connection is closed") }
            let sids = self.subscriptions.keys.filter { $0 != self.inboxSID }.sorted()
            for sid in sids { self.write(.unsub(sid: sid, max: nil)) }
            return sids
        }.get()
        // After this PONG the server has sent every message of the drained subscriptions.
        var flushed: Result<Void, any Error>
        do { flushed = .success(try await flush(timeout: remaining())) } catch { flushed = .failure(error) }
        let buffers: [SubscriptionBuffer] =
            (try? await eventLoop.submit {
                userSubscriptions.compactMap { sid in
                    let buffer = self.subscriptions.removeValue(forKey: sid)?.buffer
                    buffer?.finish()
                    return buffer
                }
            }.get()) ?? []
        let readersDone = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for buffer in buffers { await buffer.readToEnd() }
                return true
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || buffers.allSatisfy(\.readersDone)  // (a deadline already past wins no race)
        }
        // What the readers published while they finished goes out before the close.
        if case .success = flushed {
            do { try await flush(timeout: remaining()) } catch { flushed = .failure(error) }
        }
        await close()
        try flushed.get()
        guard readersDone else {
            throw NATSClientError(.timeout, "the subscriptions' readers were not done within \(timeout); the connection is closed")
        }
    }
}
