public import NATSWire
public import NIOCore
import Resilience

extension NATSConnection {
    /// A request waiting for its reply: whoever removes it from `requests` resumes it, once.
    struct PendingRequest: Sendable {
        let subject: String
        let continuation: UnsafeContinuation<InboundMessage, any Error>
        let timeout: Duration
        /// The write batch its PUB went into (`Outbound.Appended.batch`).
        let batch: Int
    }

    /// The pending requests, when they time out, and why the server refused the inbox
    /// subscription if it did: until the next request subscribes again, a request registered
    /// after that refusal fails at once (its reply could never arrive).
    struct Requests: Sendable {
        var mux: RequestMux<PendingRequest>
        var deadlines = RequestDeadlines()
        /// The deadline the event loop's timeout timer is (being) set for; nil: no timer.
        var timerDeadline: UInt64?
        var inboxRefusal: NATSClientError?

        /// Registers a request with its deadline; true when the timer must be set earlier.
        mutating func insert(_ request: PendingRequest, id: UInt64, deadline: UInt64) -> Bool {
            mux.insert(request, for: id)
            deadlines.compactIfNeeded(pending: mux.count) { mux.contains($0) }
            deadlines.add(id, at: deadline)
            guard timerDeadline.map({ deadline < $0 }) ?? true else { return false }
            timerDeadline = deadline
            return true
        }
    }

    /// Sends a request and waits for its reply. All requests share one inbox subscription.
    ///
    /// The request is registered and queued for writing on the calling thread, and the caller
    /// waits once: for the reply, the timeout, or the loss of the connection (one hop to the event
    /// loop and one back per request).
    /// - Throws: `NATSClientError` `.noResponders` at once when nobody listens on `subject`,
    ///   `.timeout` after `timeout` (at once, with nothing sent, for a timeout that is not positive), `.disconnected` when the connection is lost after the request
    ///   went out (one made while disconnected, or still waiting to be written, goes to the next
    ///   server and waits on), `.connectionClosed` when it is closed; cancelling the calling task
    ///   cancels the request.
    public func request(
        _ subject: String, payload: ByteBuffer = ByteBuffer(), headers: NATSHeaders? = nil,
        timeout: Duration = .seconds(5)
    ) async throws -> InboundMessage {
        try await request(subject, headers: headers, timeout: timeout) { send in payload.withUnsafeReadableBytes(send) }
    }

    /// Sends the bytes of `payload` (JSON a writer made, say) as a request, as `request(_:payload:)`
    /// with a ByteBuffer, without making one: they are copied once, into the connection's write buffer.
    public func request(
        _ subject: String, payload: [UInt8], headers: NATSHeaders? = nil, timeout: Duration = .seconds(5)
    ) async throws -> InboundMessage {
        try await request(subject, headers: headers, timeout: timeout) { send in payload.withUnsafeBytes(send) }
    }

    /// Registers and sends a request whose payload `withPayload` lends to the sending closure.
    private func request(
        _ subject: String, headers: NATSHeaders?, timeout: Duration,
        withPayload: ((UnsafeRawBufferPointer) -> Void) -> Void
    ) async throws -> InboundMessage {
        // A deadline already passed (a timeout computed as "deadline − now"): nothing is sent.
        guard timeout.nanosecondsSaturated > 0 else { throw NATSClientError(.timeout, "no time is left to wait for a reply on \(subject)") }
        if !inboxReady.load(ordering: .acquiring) { try await subscribeInbox() }
        let id = requests.withLock { $0.mux.reserve() }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                withPayload { bytes in send(id, subject, payload: bytes, headers: headers, timeout: timeout, continuation) }
            }
        } onCancel: {
            self.finishRequest(id, with: .failure(NATSClientError(.cancelled, "the request was cancelled")))
        }
    }

    private func send(
        _ id: UInt64, _ subject: String, payload: UnsafeRawBufferPointer, headers: NATSHeaders?, timeout: Duration,
        _ continuation: UnsafeContinuation<InboundMessage, any Error>
    ) {
        // Registered and queued in one critical section (the requests' lock, then the buffer's;
        // nothing takes them the other way round): a disconnect or close fails either both or
        // neither, and a request refused by the buffer (closed, invalid, too large) never waits.
        let deadline = NIODeadline.now().uptimeNanoseconds &+ UInt64(timeout.nanosecondsSaturated)
        let queued = requests.withLock { requests -> Result<(flush: Bool, timer: Bool), NATSClientError> in
            if let refusal = requests.inboxRefusal { return .failure(refusal) }
            do throws(NATSClientError) {
                let appended = try outbound.appendPublish(
                    subject, replyTo: requests.mux.replyTo(id), headers: headers, payload: payload, mayWait: false)
                let pending = PendingRequest(subject: subject, continuation: continuation, timeout: timeout, batch: appended.batch)
                return .success((appended.needsFlush, requests.insert(pending, id: id, deadline: deadline)))
            } catch {
                return .failure(error)
            }
        }
        let needs: (flush: Bool, timer: Bool)
        switch queued {
        case .success(let value): needs = value
        case .failure(let error): return continuation.resume(throwing: error)
        }
        // Cancelled before it was registered: the cancellation handler found nothing to end.
        if Task.isCancelled { finishRequest(id, with: .failure(NATSClientError(.cancelled, "the request was cancelled"))) }
        // Most requests need neither: a flush is already due, and an earlier deadline is timed.
        guard needs.flush || needs.timer else { return }
        eventLoop.execute {
            if needs.flush { self.flushOutbound() }
            if needs.timer { self.setRequestTimer() }
        }
    }

    /// A new unique subject under the options' `inboxPrefix` (`_INBOX.<nuid>`), to subscribe to
    /// for replies of one's own making (a scatter-gather, a pull).
    public func newInbox() -> String {
        var nuid = NUID()
        return "\(options.inboxPrefix).\(nuid.next())"
    }

    /// Sets the timeout timer for the earliest deadline of the pending requests (event loop).
    func setRequestTimer() {
        guard let deadline = requests.withLock({ $0.timerDeadline }) else { return }
        if let timer = requestTimer, timer.deadline <= deadline { return }
        requestTimer?.scheduled.cancel()
        let scheduled = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(deadline)) { self.timeOutRequests() }
        requestTimer = (scheduled, deadline)
    }

    /// Fails the requests whose deadline passed, then times the next one (event loop).
    private func timeOutRequests() {
        requestTimer = nil
        let now = NIODeadline.now().uptimeNanoseconds
        let expired = requests.withLock { requests -> [PendingRequest] in
            let due = requests.deadlines.removeDue(at: now) { requests.mux.contains($0) }
            requests.timerDeadline = requests.deadlines.earliest
            return due.compactMap { requests.mux.remove($0) }
        }
        for request in expired {
            request.continuation.resume(throwing: NATSClientError(.timeout, "no reply on \(request.subject) within \(request.timeout)"))
        }
        setRequestTimer()
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
        if message.headers?.status == 503, message.payload.readableBytes == 0 {
            request.continuation.resume(throwing: NATSClientError(.noResponders, "no responders"))
        } else {
            ReplyHandoff.resume(request.continuation, returning: message, on: eventLoop)
        }
    }

    /// Ends request `id` if it is still pending (any thread).
    func finishRequest(_ id: UInt64, with result: Result<InboundMessage, any Error>) {
        guard let request = requests.withLock({ $0.mux.remove(id) }) else { return }
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
        for request in failed { request.continuation.resume(throwing: error) }
    }
}
