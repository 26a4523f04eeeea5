public import NATSWire
public import NIOCore

extension NATSConnection {
    /// A request waiting for its reply: whoever removes it from `requests` resumes it, once.
    struct PendingRequest: Sendable {
        let subject: String
        let continuation: UnsafeContinuation<InboundMessage, any Error>
        /// Armed on the event loop once the request is on its way.
        var timeout: Scheduled<Void>?
    }

    /// The pending requests, and why the server refused the inbox subscription if it did: until
    /// the next request subscribes again, a request registered after that refusal fails at once
    /// (its reply could never arrive).
    struct Requests: Sendable {
        var mux: RequestMux<PendingRequest>
        var inboxRefusal: NATSClientError?
    }

    /// Sends a request and waits for its reply. All requests share one inbox subscription.
    ///
    /// The request is registered and queued for writing on the calling thread, and the caller
    /// waits once: for the reply, the timeout, or the loss of the connection (one hop to the event
    /// loop and one back per request).
    /// - Throws: `NATSClientError` `.noResponders` at once when nobody listens on `subject`,
    ///   `.timeout` after `timeout`, `.disconnected` when the connection is lost meanwhile;
    ///   cancelling the calling task cancels the request.
    public func request(
        _ subject: String, payload: ByteBuffer = ByteBuffer(), headers: NATSHeaders? = nil,
        timeout: Duration = .seconds(5)
    ) async throws -> InboundMessage {
        if !inboxReady.load(ordering: .acquiring) { try await subscribeInbox() }
        let id = requests.withLock { $0.mux.reserve() }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                send(id, subject, payload: payload, headers: headers, timeout: timeout, continuation)
            }
        } onCancel: {
            self.finishRequest(id, with: .failure(NATSClientError(.cancelled, "the request was cancelled")))
        }
    }

    private func send(
        _ id: UInt64, _ subject: String, payload: ByteBuffer, headers: NATSHeaders?, timeout: Duration,
        _ continuation: UnsafeContinuation<InboundMessage, any Error>
    ) {
        // Registered and queued in one critical section (the requests' lock, then the buffer's;
        // nothing takes them the other way round): a disconnect or close fails either both or
        // neither, and a request refused by the buffer (closed, invalid, too large) never waits.
        let queued = requests.withLock { requests -> Result<Bool, NATSClientError> in
            if let refusal = requests.inboxRefusal { return .failure(refusal) }
            do throws(NATSClientError) {
                let needsFlush = try outbound.appendPublish(
                    subject, replyTo: requests.mux.replyTo(id), headers: headers, payload: payload, mayWait: false)
                requests.mux.insert(PendingRequest(subject: subject, continuation: continuation), for: id)
                return .success(needsFlush)
            } catch {
                return .failure(error)
            }
        }
        let needsFlush: Bool
        switch queued {
        case .success(let flush): needsFlush = flush
        case .failure(let error): return continuation.resume(throwing: error)
        }
        // Cancelled before it was registered: the cancellation handler found nothing to end.
        if Task.isCancelled { finishRequest(id, with: .failure(NATSClientError(.cancelled, "the request was cancelled"))) }
        eventLoop.execute {
            if needsFlush { self.flushOutbound() }
            self.armTimeout(id, after: timeout, subject: subject)
        }
    }

    /// Starts the clock of a request that is still pending (event loop).
    private func armTimeout(_ id: UInt64, after timeout: Duration, subject: String) {
        let timer = eventLoop.scheduleTask(in: .nanoseconds(Self.nanoseconds(timeout))) {
            self.finishRequest(id, with: .failure(NATSClientError(.timeout, "no reply on \(subject) within \(timeout)")))
        }
        // Answered (or failed) before its clock started.
        if !requests.withLock({ $0.mux.update(id) { $0.timeout = timer } }) { timer.cancel() }
    }

    /// The inbox subscription all requests share, made before the first request (and again after
    /// the server refused it).
    private func subscribeInbox() async throws {
        try await eventLoop.submit {
            guard !self.isClosed else { throw NATSClientError(.connectionClosed, "the connection is closed") }
            guard self.inboxSID == nil else { return }
            let sid = self.nextSID
            self.nextSID += 1
            self.inboxSID = sid
            let inbox = self.requests.withLock { requests in
                requests.inboxRefusal = nil
                return requests.mux.subscription
            }
            self.subscriptions[sid] = SubscriptionState(subject: inbox, queue: nil, buffer: SubscriptionBuffer(limits: .unlimited))
            if self.isConnected { self.write(.sub(subject: inbox, queue: nil, sid: sid)) }
            self.inboxReady.store(true, ordering: .releasing)
        }.get()
    }

    /// A message on the inbox: the reply to one request, or its no-responders status (event loop).
    func resolveReply(_ message: InboundMessage) {
        received.messages += 1
        received.bytes += message.payload.readableBytes
        guard let request = requests.withLock({ $0.mux.resolve(message.subject) }) else { return }
        request.timeout?.cancel()
        if message.headers?.status == 503, message.payload.readableBytes == 0 {
            request.continuation.resume(throwing: NATSClientError(.noResponders, "no responders"))
        } else {
            request.continuation.resume(returning: message)
        }
    }

    /// Ends request `id` if it is still pending (any thread).
    func finishRequest(_ id: UInt64, with result: Result<InboundMessage, any Error>) {
        guard let request = requests.withLock({ $0.mux.remove(id) }) else { return }
        request.timeout?.cancel()
        request.continuation.resume(with: result)
    }

    /// Fails the pending requests `matching` (event loop); with `refusingInbox`, also those that
    /// register until the inbox is subscribed again.
    func failRequests(
        _ error: NATSClientError, refusingInbox: Bool = false, where matching: @Sendable (PendingRequest) -> Bool = { _ in true }
    ) {
        let failed = requests.withLock { requests in
            if refusingInbox { requests.inboxRefusal = error }
            return requests.mux.removeAll(where: matching)
        }
        for request in failed {
            request.timeout?.cancel()
            request.continuation.resume(throwing: error)
        }
    }
}
