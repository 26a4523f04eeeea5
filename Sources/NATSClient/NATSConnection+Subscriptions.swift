import NATSWire
import NIOCore

extension NATSConnection {
    /// Subscribes to `subject` (wildcards allowed), in queue group `queue` if given.
    /// - Parameter pendingLimits: how much the subscription holds for a reader that falls behind;
    ///   nil: the options' `pendingMessagesLimit` and `pendingBytesLimit`.
    public func subscribe(
        _ subject: String, queue: String? = nil, pendingLimits: NATSSubscription.PendingLimits? = nil
    ) async throws -> NATSSubscription {
        try await subscribe(subject, queue: queue, pendingLimits: pendingLimits, handler: nil)
    }

    /// Subscribes with a handler that the event loop calls with each message as it is read, as
    /// nats.go's `Subscribe(subject, callback)`: no task is woken per message and nothing is queued,
    /// so a reply published from the handler goes out with the next write, without a thread
    /// switch. The handler must return quickly and never block (it holds up the connection); work
    /// that waits belongs in a task, or in the `AsyncSequence` form. The returned subscription
    /// yields no messages; it unsubscribes, drains, and its sequence ends when the subscription does.
    public func subscribe(
        _ subject: String, queue: String? = nil, onEventLoop handler: @escaping @Sendable (InboundMessage) -> Void
    ) async throws -> NATSSubscription {
        try await subscribe(subject, queue: queue, pendingLimits: nil, handler: handler)
    }

    private func subscribe(
        _ subject: String, queue: String?, pendingLimits: NATSSubscription.PendingLimits?,
        handler: (@Sendable (InboundMessage) -> Void)?
    ) async throws -> NATSSubscription {
        var probe = ByteBuffer()
        do { try ClientOp.sub(subject: subject, queue: queue, sid: 0).write(to: &probe) } catch {
            throw NATSClientError(.invalidArgument, error.message)
        }
        let limits = pendingLimits ?? .init(messages: options.pendingMessagesLimit, bytes: options.pendingBytesLimit)
        let buffer = SubscriptionBuffer(limits: limits)
        let sid: UInt64 = try await eventLoop.submit {
            guard !self.isClosed else { throw NATSClientError(.connectionClosed, "the connection is closed") }
            let sid = self.nextSID
            self.nextSID += 1
            self.subscriptions[sid] = SubscriptionState(subject: subject, queue: queue, buffer: buffer, handler: handler)
            if self.isConnected { self.write(.sub(subject: subject, queue: queue, sid: sid)) }
            return sid
        }.get()
        return NATSSubscription(sid: sid, subject: subject, queue: queue, buffer: buffer, connection: self)
    }

    /// The read batch is over: readers waiting for its messages get them (event loop).
    func wakeReaders() {
        guard !readersToWake.isEmpty else { return }
        let readers = readersToWake
        readersToWake.removeAll(keepingCapacity: true)
        for reader in readers { reader.wakeReader() }
    }

    func unsubscribe(sid: UInt64, after max: Int?) {
        eventLoop.execute {
            guard self.subscriptions[sid] != nil else { return }
            if let max {
                self.subscriptions[sid]?.max = max
                if let delivered = self.subscriptions[sid]?.delivered, delivered >= max {
                    self.subscriptions.removeValue(forKey: sid)?.buffer.finish()
                }
                if self.isConnected { self.write(.unsub(sid: sid, max: max)) }
            } else {
                self.subscriptions.removeValue(forKey: sid)?.buffer.finish()
                if self.isConnected { self.write(.unsub(sid: sid, max: nil)) }
            }
        }
    }

    /// Unsubscribes at the server but keeps delivering until the server confirms it (a PING round
    /// trip): what the server sent before the UNSUB still arrives, then the sequence ends.
    func drain(sid: UInt64) async {
        let sent = try? await eventLoop.submit { () -> Bool in
            guard self.subscriptions[sid] != nil, self.isConnected else {
                // Nothing at a server to wait for (or gone already): end it now.
                self.subscriptions.removeValue(forKey: sid)?.buffer.finish()
                return false
            }
            self.write(.unsub(sid: sid, max: nil))
            return true
        }.get()
        if sent == true { try? await flush() }
        _ = try? await eventLoop.submit { self.subscriptions.removeValue(forKey: sid)?.buffer.finish() }.get()
    }

    /// Hands a message to its subscription: dropped past the pending limits, with one
    /// `slowConsumer` event per episode (event loop). A waiting reader is woken at the end of the
    /// read batch (`wakeReaders()`), once for all the messages the batch brought it.
    func deliver(_ message: InboundMessage) {
        received.messages += 1
        received.bytes += message.payload.readableBytes
        guard var subscription = subscriptions[message.sid] else { return }
        if let handler = subscription.handler {
            handler(message)
        } else {
            queue(message, for: subscription)
        }
        subscription.delivered += 1
        subscription.inMalformedRun = false
        if let max = subscription.max, subscription.delivered >= max {
            subscriptions.removeValue(forKey: message.sid)
            subscription.buffer.finish()
            return
        }
        subscriptions[message.sid] = subscription
    }

    /// Delivers a message that lost its unreadable headers; the first of a run on its subscription
    /// raises `malformedHeaders` (event loop).
    func deliverMalformed(_ message: InboundMessage, reason: String) {
        let inRun = subscriptions[message.sid]?.inMalformedRun ?? false
        if message.sid == inboxSID { resolveReply(message) } else { deliver(message) }
        subscriptions[message.sid]?.inMalformedRun = true
        if !inRun { emit(.malformedHeaders(subject: message.subject, reason: reason)) }
    }

    /// Queues `message` for the subscription's reader, or drops it past the pending limits.
    private func queue(_ message: InboundMessage, for subscription: SubscriptionState) {
        switch subscription.buffer.yield(message) {
        case .accepted, .finished:
            break
        case .acceptedWakeReader:
            readersToWake.append(subscription.buffer)
        case .dropped(let startsEpisode):
            received.dropped += 1
            if startsEpisode { emit(.slowConsumer(sid: message.sid, subject: subscription.subject)) }
        }
    }

    /// Message and byte counters, reconnects, messages dropped by slow subscribers, and what each
    /// subscription holds for its reader.
    public func statistics() async -> NATSStatistics {
        let sent = outbound.withLock { ($0.messages, $0.bytes) }
        let snapshot = try? await eventLoop.submit { (self.received, self.subscriptionStatistics()) }.get()
        let received = snapshot?.0 ?? (messages: 0, bytes: 0, reconnects: 0, dropped: 0)
        let subscriptions = snapshot?.1 ?? []
        return NATSStatistics(
            inMessages: received.messages, inBytes: received.bytes, outMessages: sent.0, outBytes: sent.1,
            reconnects: received.reconnects, droppedMessages: received.dropped,
            pendingOutBytes: outbound.pendingBytes, subscriptions: subscriptions
        )
    }

    private func subscriptionStatistics() -> [NATSStatistics.Subscription] {
        subscriptions.lazy.filter { $0.key != self.inboxSID }.sorted { $0.key < $1.key }.map { sid, subscription in
            let counts = subscription.buffer.counts
            return NATSStatistics.Subscription(
                sid: sid, subject: subscription.subject, queue: subscription.queue, deliveredMessages: subscription.delivered,
                pendingMessages: counts.messages, pendingBytes: counts.bytes, droppedMessages: counts.dropped,
                pendingLimits: subscription.buffer.limits
            )
        }
    }
}
