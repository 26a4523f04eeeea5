public import NATSWire
public import NIOCore

extension NATSConnection {
    /// Sends a request and waits for its reply. All requests share one inbox subscription.
    /// - Throws: `NATSClientError` `.noResponders` at once when nobody listens on `subject`,
    ///   `.timeout` after `timeout`, `.disconnected` when the connection is lost meanwhile;
    ///   cancelling the calling task cancels the request.
    public func request(
        _ subject: String, payload: ByteBuffer = ByteBuffer(), headers: NATSHeaders? = nil,
        timeout: Duration = .seconds(5)
    ) async throws -> InboundMessage {
        let promise = eventLoop.makePromise(of: InboundMessage.self)
        let submitted = eventLoop.submit { () throws -> UInt64 in
            guard !self.isClosed else { throw NATSClientError(.connectionClosed, "the connection is closed") }
            if self.inboxSID == nil {
                let sid = self.nextSID
                self.nextSID += 1
                self.inboxSID = sid
                self.subscriptions[sid] = SubscriptionState(
                    subject: self.mux.subscription, queue: nil, buffer: SubscriptionBuffer(limits: .unlimited))
                if self.isConnected { self.write(.sub(subject: self.mux.subscription, queue: nil, sid: sid)) }
            }
            let (id, replyTo) = self.mux.register()
            do {
                let op = ClientOp.pub(subject: subject, replyTo: replyTo, headers: headers, payload: payload)
                if try self.outbound.append(op, countsAsMessage: payload.readableBytes) {
                    self.eventLoop.execute { self.flushOutbound() }
                }
            } catch {
                self.mux.cancel(id)
                throw error
            }
            let timer = self.eventLoop.scheduleTask(in: .nanoseconds(Self.nanoseconds(timeout))) {
                self.finishRequest(id, with: .failure(NATSClientError(.timeout, "no reply on \(subject) within \(timeout)")))
            }
            self.requests[id] = PendingRequest(subject: subject, promise: promise, timeout: timer)
            return id
        }
        // A request refused before sending (closed, invalid, too large) never completes its promise.
        submitted.whenFailure { promise.fail($0) }
        let id = try await submitted.get()
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            self.eventLoop.execute {
                self.finishRequest(id, with: .failure(NATSClientError(.cancelled, "the request was cancelled")))
            }
        }
    }

    /// A message on the inbox: the reply to one request, or its no-responders status.
    func resolveReply(_ message: InboundMessage) {
        guard let id = mux.resolve(message.subject) else { return }
        if message.headers?.status == 503, message.payload.readableBytes == 0 {
            finishRequest(id, with: .failure(NATSClientError(.noResponders, "no responders")))
        } else {
            finishRequest(id, with: .success(message))
        }
    }

    func finishRequest(_ id: UInt64, with result: Result<InboundMessage, any Error>) {
        guard let request = requests.removeValue(forKey: id) else { return }
        mux.cancel(id)
        request.timeout.cancel()
        request.promise.completeWith(result)
    }
}
