import NATSWire
public import NIOCore
import NIOPosix
import Resilience
import Synchronization

/// A connection to a NATS cluster that survives server restarts: the one I/O executor of
/// `ConnectionStateMachine`. All mutable state lives on one event loop; public methods hop to it.
public final class NATSConnection: @unchecked Sendable {
    // Confined to `eventLoop`: every access below happens on it (checked in debug builds).
    let eventLoop: any EventLoop
    let options: NATSOptions
    var machine: ConnectionStateMachine<SystemRandomNumberGenerator>
    var channel: (any Channel)?
    /// Credentials and TLS for each handshake.
    let security: ConnectionSecurity
    /// INFO and server of a handshake waiting for TLS before CONNECT.
    var pendingTLSHandshake: (ServerInfo, ServerAddress)?
    /// Why the last attempt failed (TLS, authorization), for the error `connect` throws.
    var lastFailure: String?
    private var timers: [ConnectionStateMachine<SystemRandomNumberGenerator>.TimerKind: Scheduled<Void>] = [:]
    var subscriptions: [UInt64: SubscriptionState] = [:]
    /// Subscriptions whose waiting readers get messages of the current read batch: woken at its end.
    var readersToWake: [SubscriptionBuffer] = []
    var nextSID: UInt64 = 1
    /// The one timer for request timeouts, set for the earliest deadline (`RequestDeadlines`).
    var requestTimer: (scheduled: Scheduled<Void>, deadline: UInt64)?
    /// A check for idle grown write buffers is due (`scheduleTrim`).
    private var trimScheduled = false
    /// One entry per PING in flight, in order, with the write batch it went into; no promise for
    /// a keep-alive PING and for a flush that timed out (its PONG still comes).
    private var pendingFlushes: [(promise: EventLoopPromise<Void>?, batch: Int)] = []
    private var connectPromise: EventLoopPromise<Void>?
    var isConnected = false
    var isClosed = false
    /// Publishes and protocol operations waiting to be written, in order.
    let outbound: Outbound
    /// Received messages and bytes, and reconnects (event loop only).
    var received = (messages: 0, bytes: 0, reconnects: 0, dropped: 0)
    private let eventsContinuation: AsyncStream<ConnectionEvent>.Continuation
    private let listeners = EventListeners()

    /// What happens to the connection: connected, disconnected, reconnected, lame duck, errors,
    /// closed; from the connect on (the newest 256 kept until read). For one reader: an
    /// `AsyncStream` hands each element to one consumer. More readers: ``makeEventStream(bufferingNewest:)``.
    public let events: AsyncStream<ConnectionEvent>

    /// Another reader of the connection's events, from now on: as many as wanted, each getting
    /// every event (the newest `limit` kept until read) and ending when the connection closes
    /// (at once, for a connection closed already).
    public func makeEventStream(bufferingNewest limit: Int = 256) -> AsyncStream<ConnectionEvent> {
        listeners.make(bufferingNewest: limit)
    }

    struct SubscriptionState {
        let subject: String
        let queue: String?
        /// What the reader has not taken yet; unused for the request inbox and for a handler.
        let buffer: SubscriptionBuffer
        /// Called on the event loop with each message instead of queueing it for a reader.
        var handler: (@Sendable (InboundMessage) -> Void)? = nil
        /// Messages delivered so far, and the total after which the subscription ends
        /// (`unsubscribe(after:)`; the server counts the same way, from the SUB on).
        var delivered = 0
        var max: Int?
        /// The last message came with unreadable headers (`malformedHeaders` was raised for its run).
        var inMalformedRun = false
        /// Messages the server of a new connection may still send.
        var remaining: Int? { max.map { Swift.max($0 - delivered, 0) } }
    }

    private init(options: NATSOptions, servers: [ServerAddress], security: ConnectionSecurity, eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.options = options
        self.security = security
        var random = SystemRandomNumberGenerator()
        let pool = ServerPool(servers, randomize: options.randomizeServers, maxReconnectAttempts: options.maxReconnectAttempts, using: &random)
        self.machine = ConnectionStateMachine(pool: pool, configuration: .init(options), random: random)
        self.outbound = Outbound(disconnectedLimit: options.reconnectBufferSize, pendingLimit: options.maxPendingBytes)
        (self.events, self.eventsContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
        var nuid = NUID()
        self.requests = Mutex(Requests(mux: RequestMux(prefix: "\(options.inboxPrefix).\(nuid.next()).")))
    }

    /// Connects to the first server of the pool that answers, trying the others as ADR-40 says.
    /// - Throws: `NATSClientError` when no server could be reached.
    public static func connect(
        _ options: NATSOptions, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> NATSConnection {
        try options.validate()
        let servers = try options.servers.map { text in
            guard let address = ServerAddress(text) else { throw NATSClientError(.invalidServer, "'\(ServerAddress.shown(text))' is not a NATS URL") }
            return address
        }
        let connection = NATSConnection(
            options: options, servers: servers, security: try ConnectionSecurity(options), eventLoop: eventLoopGroup.next())
        let promise = connection.eventLoop.makePromise(of: Void.self)
        connection.eventLoop.execute {
            connection.connectPromise = promise
            connection.run(connection.machine.start())
        }
        try await promise.futureResult.get()
        return connection
    }

    // MARK: Public API

    /// Waits until the server has processed everything written so far (PING/PONG).
    /// - Throws: `NATSClientError` `.timeout` when no PONG comes within `timeout`.
    public func flush(timeout: Duration = .seconds(10)) async throws {
        let promise = eventLoop.makePromise(of: Void.self)
        eventLoop.execute {
            guard self.isConnected, !self.isClosed else {
                promise.fail(NATSClientError(self.isClosed ? .connectionClosed : .disconnected, "cannot flush now"))
                return
            }
            self.ping(completing: promise)
            let timer = self.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanosecondsSaturated)) {
                // Still waiting: fail it and leave the PONG to the flushes behind it.
                guard let index = self.pendingFlushes.firstIndex(where: { $0.promise?.futureResult === promise.futureResult }) else { return }
                self.pendingFlushes[index].promise = nil
                promise.fail(NATSClientError(.timeout, "no PONG within \(timeout)"))
            }
            // Answered (or failed) first: the timer, which holds the connection, goes.
            promise.futureResult.whenComplete { _ in timer.cancel() }
        }
        try await promise.futureResult.get()
    }

    /// Closes the connection: what was published before goes out (a server that reads nothing is
    /// given the options' `closeTimeout`, 5 s), subscriptions end, pending flushes and requests fail.
    public func close() async {
        let promise = eventLoop.makePromise(of: Void.self)
        eventLoop.execute {
            guard !self.isClosed else { return promise.succeed() }
            self.closePromises.append(promise)
            self.run(self.machine.closeRequested())
        }
        try? await promise.futureResult.get()
    }

    private var closePromises: [EventLoopPromise<Void>] = []
    /// The requests waiting for replies, shared by requesting threads and the event loop.
    let requests: Mutex<Requests>
    /// The inbox subscription exists (`inboxSID`); requests may go out without a hop first.
    let inboxReady = Atomic<Bool>(false)
    /// The sid of the inbox subscription, made at the first request.
    var inboxSID: UInt64?

    // MARK: The executor

    private func run(_ actions: [ConnectionStateMachine<SystemRandomNumberGenerator>.Action]) {
        eventLoop.preconditionInEventLoop()
        for action in actions {
            switch action {
            case .dial(let server):
                dial(server)
            case .sendConnect(let info, let server):
                startHandshake(info, server)
            case .replaySubscriptions:
                // Subscriptions first (straight to the socket), then what was published meanwhile.
                for (sid, subscription) in subscriptions.sorted(by: { $0.key < $1.key }) {
                    write(.sub(subject: subscription.subject, queue: subscription.queue, sid: sid))
                    if let remaining = subscription.remaining { write(.unsub(sid: sid, max: remaining)) }
                }
                isConnected = true
                if let waiting = outbound.connected() { channel?.writeAndFlush(waiting, promise: nil) }
            case .write(let op):
                write(op)
            case .keepAlivePing:
                ping(completing: nil)
            case .deliver(let message) where message.sid == inboxSID:
                resolveReply(message)
            case .deliver(let message):
                deliver(message)
            case .deliverMalformed(let message, let reason):
                deliverMalformed(message, reason: reason)
            case .failDenied(let violation):
                failDenied(violation)
            case .pongReceived:
                if !pendingFlushes.isEmpty { pendingFlushes.removeFirst().promise?.succeed() }
            case .failRequests:
                stopWriting()
                // Closed on request (the machine is closed by now): every flush and request ends.
                if case .closed = machine.state {
                    let error = NATSClientError(.connectionClosed, "the connection was closed")
                    let flushes = pendingFlushes
                    pendingFlushes = []
                    for entry in flushes { entry.promise?.fail(error) }
                    failRequests(error)
                    break
                }
                // Lost: a PING or a request's PUB that went to the socket may never be answered; one
                // still waiting in the write buffer goes to the next server and waits on (its PONG
                // comes from there, in order; failing a request would invite a retry, and the
                // responder would run it twice). Taken batches are a prefix of the PINGs.
                let error = NATSClientError(.disconnected, "the connection was lost")
                let taken = outbound.batchesTaken
                let lost = pendingFlushes.prefix { $0.batch < taken }.count
                for entry in pendingFlushes.prefix(lost) { entry.promise?.fail(error) }
                pendingFlushes.removeFirst(lost)
                failRequests(error) { $0.batch < taken }
            case .scheduleTimer(let kind, let delay):
                timers[kind]?.cancel()
                timers[kind] = eventLoop.scheduleTask(in: .nanoseconds(delay.nanosecondsSaturated)) {
                    self.timers[kind] = nil
                    self.run(self.machine.timerFired(kind))
                }
            case .cancelTimer(let kind):
                timers.removeValue(forKey: kind)?.cancel()
            case .closeChannel:
                // Nothing more goes into a closing channel (a TLS close waits up to 500 ms for the
                // server's notice): publishes made meanwhile wait for the next server.
                stopWriting()
                channel?.close(promise: nil)
            case .leaveChannel:
                stopWriting()
                closeAfterWriting(nil)
            case .closeChannelAfterWrites:
                let waiting = isConnected ? outbound.take() : nil
                stopWriting()
                closeAfterWriting(waiting)
            case .emit(let event):
                emit(event)
            }
        }
    }

    /// Closes the channel once it has written what it holds and then `last`: its end means all
    /// of it went to the socket. Then only the sending side closes: the socket delivers what it
    /// holds and the server, reading the end, closes the connection. (Closing the socket while the
    /// server's bytes wait unread in it, a PING say, resets the connection and discards what was
    /// not sent yet.) Within `closeTimeout` in any case.
    private func closeAfterWriting(_ last: ByteBuffer?) {
        guard let channel else { return }
        let grace = eventLoop.scheduleTask(in: .nanoseconds(options.closeTimeout.nanosecondsSaturated)) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in grace.cancel() }
        channel.writeAndFlush(last ?? ByteBuffer()).whenComplete { _ in
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        }
    }

    /// The channel takes no more writes: what is published from now on waits for the next server.
    private func stopWriting() {
        guard isConnected else { return }
        isConnected = false
        outbound.disconnected()
    }

    func emit(_ event: ConnectionEvent) {
        eventsContinuation.yield(event)
        listeners.yield(event)
        switch event {
        case .connected:
            connectPromise?.succeed()
            connectPromise = nil
        case .reconnected:
            received.reconnects += 1
        case .serverError(let message) where !isConnected:
            lastFailure = message  // refused at the handshake: authorization and the like
        case .closed(let reason):
            isClosed = true
            outbound.close()
            isConnected = false
            // Requests registered since `.failRequests` (their PUB went into the buffer just closed).
            failRequests(NATSClientError(.connectionClosed, "the connection is closed"))
            // No request can register any more: the timeout timer (which holds the connection) goes.
            requestTimer?.scheduled.cancel()
            requestTimer = nil
            requests.withLock { requests in
                requests.deadlines.removeAll()
                requests.timerDeadline = nil
            }
            // The last failure, unless the reason says it already (a refusal that closed the connection).
            let last = lastFailure.flatMap { failure in reason?.hasSuffix(failure) == true ? nil : "last error: \(failure)" }
            let why = [reason, last].compactMap { $0 }.joined(separator: "; ")
            connectPromise?.fail(NATSClientError(.connectionClosed, why.isEmpty ? "closed" : why))
            connectPromise = nil
            for (_, subscription) in subscriptions { subscription.buffer.finish() }
            subscriptions = [:]
            for promise in closePromises { promise.succeed() }
            closePromises = []
            eventsContinuation.finish()
            listeners.finish()
        default:
            break
        }
    }

    private func dial(_ server: ServerAddress) {
        pendingTLSHandshake = nil
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(options.connectTimeout.nanosecondsSaturated))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NATSInboundHandler(connection: self))
                }
            }
        bootstrap.connect(host: server.host, port: server.port).hop(to: eventLoop).whenComplete { result in
            switch result {
            case .success(let channel):
                guard !self.isClosed else {
                    channel.close(promise: nil)
                    return
                }
                self.channel = channel
                self.run(self.machine.channelActive())
            case .failure:
                self.run(self.machine.dialFailed())
            }
        }
    }

    /// Writes an operation: in order behind what publishers queued once connected, directly to the
    /// socket during the handshake (CONNECT must go before anything buffered).
    func write(_ op: ClientOp) {
        if isConnected {
            if (try? outbound.append(op))?.needsFlush == true { eventLoop.execute { self.flushOutbound() } }
            return
        }
        guard let channel else { return }
        var buffer = channel.allocator.buffer(capacity: 64)
        do { try op.write(to: &buffer) } catch { return }
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Queues a PING (connected) whose PONG completes `promise` (nil: a keep-alive), in its place
    /// among the PINGs in flight.
    private func ping(completing promise: EventLoopPromise<Void>?) {
        do throws(NATSClientError) {
            let appended = try outbound.append(.ping)
            pendingFlushes.append((promise, appended.batch))
            if appended.needsFlush { eventLoop.execute { self.flushOutbound() } }
        } catch {
            promise?.fail(error)
        }
    }

    /// Writes everything publishers queued since the last turn, in one write, while the socket
    /// keeps up: when it stops being writable, what comes next waits in `outbound` (where
    /// publishers feel it) until it is writable again.
    func flushOutbound() {
        guard isConnected, let channel else {
            // Disconnected meanwhile: the bytes stay for the next handshake.
            outbound.withLock { $0.flushScheduled = false }
            return
        }
        // Writing can close the channel re-entrantly (a failed write): stop taking then, the bytes
        // stay for the next handshake.
        var tookGrownBatch = false
        while isConnected, self.channel === channel, channel.isWritable, let bytes = outbound.take() {
            tookGrownBatch = tookGrownBatch || bytes.capacity > Outbound.initialCapacity
            channel.writeAndFlush(bytes, promise: nil)
        }
        // The socket is full: what comes next waits for `writabilityChanged`, which flushes; until
        // then publishers need not wake the event loop for each message.
        if !channel.isWritable { outbound.withLock { $0.flushScheduled = true } }
        // Only a batch in grown storage can leave grown storage behind (`Outbound.nextBuffer`):
        // small batches, the usual case, check nothing more.
        if tookGrownBatch { scheduleTrim() }
    }

    /// After a burst, the grown write buffers go once the connection has been idle for a second.
    private func scheduleTrim() {
        guard !trimScheduled else { return }
        let (grown, takes) = outbound.withLock { ($0.holdsGrownStorage, $0.takes) }
        guard grown else { return }
        trimScheduled = true
        eventLoop.scheduleTask(in: .seconds(1)) {
            self.trimScheduled = false
            if !self.outbound.trim(ifNoTakeSince: takes) { self.scheduleTrim() }
        }
    }

    func writabilityChanged(_ channel: any Channel) {
        guard channel === self.channel, channel.isWritable else { return }
        flushOutbound()
    }

    // MARK: Events from the channel (on the event loop)

    func channelReceived(_ op: ServerOp, from channel: any Channel) {
        guard channel === self.channel else { return }
        // Messages, the hot path, are delivered as the machine would say, without its action array.
        if case .msg(let message) = op, machine.deliversMessages {
            return message.sid == inboxSID ? resolveReply(message) : deliver(message)
        }
        if case .info(let info) = op { outbound.withLock { $0.maxPayload = info.maxPayload } }
        run(machine.received(op))
    }

    func channelClosed(_ channel: any Channel) {
        guard channel === self.channel else { return }
        wakeReaders()
        self.channel = nil
        run(machine.channelInactive())
    }
}
