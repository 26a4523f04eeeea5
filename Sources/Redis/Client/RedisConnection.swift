public import NIOCore
import NIOPosix
import Resilience

/// One pipelined connection to a Redis server: commands are written as they come and their
/// replies matched in order, so many may be in flight at once. It connects at the first command
/// and, after a loss, redials at the next one (AUTH and SELECT are sent again each time);
/// commands that arrive while it dials wait for the handshake. All mutable state lives on one
/// event loop; public methods hop to it and never block it.
public final class RedisConnection: RedisCommandExecutor, @unchecked Sendable {
    public let options: RedisOptions
    let eventLoop: any EventLoop
    private let counters = RedisCounters()

    // Confined to `eventLoop`.
    private enum State {
        case idle
        case connecting
        case connected(any Channel)
        case closed
    }
    private var state = State.idle
    /// Commands waiting for the handshake of the connection being dialed.
    private var waiting: [RedisRequest] = []
    private var flushScheduled = false

    /// A connection that dials at its first command.
    public init(options: RedisOptions = RedisOptions(), eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.options = options
        self.eventLoop = eventLoop
    }

    /// Dials now and waits for the handshake.
    /// - Throws: `RedisError` `.connectFailed` or `.handshakeFailed`.
    public static func connect(
        _ options: RedisOptions, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RedisConnection {
        let connection = RedisConnection(options: options, eventLoop: eventLoopGroup.next())
        try await connection.command("PING")
        return connection
    }

    public var statistics: RedisStatistics { counters.snapshot }

    /// Sends one command and waits for its reply.
    /// - Throws: `RedisError` `.server` with the server's message for an error reply; `.connectFailed`
    ///   (nothing sent), `.connectionLost` or `.timeout` (it may have run), `.closed`.
    @discardableResult
    public func command(_ arguments: [RedisArgument]) async throws -> RedisReply {
        let reply = try await send([RESPCommand.format(arguments)])[0].get()
        if case .error(let message) = reply { throw RedisError(.server, message) }
        return reply
    }

    /// Sends the commands back to back in one write and returns their replies in order; an error
    /// reply is an `.error` element, not a thrown error.
    /// - Throws: `RedisError` when the connection fails.
    public func pipeline(_ commands: [[RedisArgument]]) async throws -> [RedisReply] {
        let futures = send(try commands.map { try RESPCommand.format($0) })
        var replies: [RedisReply] = []
        replies.reserveCapacity(futures.count)
        for future in futures { replies.append(try await future.get()) }
        return replies
    }

    /// Closes the connection; commands in flight and later ones fail with `.closed` / `.connectionLost`.
    public func close() async {
        let closing: EventLoopFuture<Void> = eventLoop.flatSubmit {
            let previous = self.state
            self.state = .closed
            self.failWaiting(RedisError(.closed, "the connection was closed"))
            if case .connected(let channel) = previous { return channel.close().recover { _ in } }
            return self.eventLoop.makeSucceededVoidFuture()
        }
        try? await closing.get()
    }

    // MARK: On the event loop

    func send(_ commands: [ByteBuffer]) -> [EventLoopFuture<RedisReply>] {
        let requests = commands.map { RedisRequest(bytes: $0, promise: eventLoop.makePromise()) }
        if eventLoop.inEventLoop {
            enqueue(requests)
        } else {
            eventLoop.execute { self.enqueue(requests) }
        }
        return requests.map(\.promise.futureResult)
    }

    private func enqueue(_ requests: [RedisRequest]) {
        switch state {
        case .connected(let channel) where channel.isActive:
            for request in requests { write(request, to: channel) }
        case .connected, .idle:
            // Never connected, or closed (its close callback may not have run yet): redial.
            waiting.append(contentsOf: requests)
            state = .connecting
            dial()
        case .connecting:
            waiting.append(contentsOf: requests)
        case .closed:
            for request in requests { request.promise.fail(RedisError(.closed, "the connection is closed")) }
        }
    }

    private func write(_ request: RedisRequest, to channel: any Channel) {
        counters.commandsSent.add(1, ordering: .relaxed)
        channel.write(request, promise: nil)
        // One flush per event-loop turn for everything written in it.
        guard !flushScheduled else { return }
        flushScheduled = true
        eventLoop.execute {
            self.flushScheduled = false
            channel.flush()
        }
    }

    private var peer: String { options.host.contains(":") ? "[\(options.host)]:\(options.port)" : "\(options.host):\(options.port)" }

    private func dial() {
        counters.dials.add(1, ordering: .relaxed)
        let timeout = TimeAmount.nanoseconds(options.commandTimeout.nanosecondsSaturated)
        let peer = self.peer
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(options.connectTimeout.nanosecondsSaturated))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RESPDecoder()), RedisChannelHandler(timeout: timeout, peer: peer))
                }
            }
            .connect(host: options.host, port: options.port)
            .flatMapError { error in
                self.eventLoop.makeFailedFuture(RedisError(.connectFailed, "cannot connect to \(peer): \(error)"))
            }
            .flatMap { channel in self.handshake(on: channel) }
            .whenComplete { result in self.dialed(result) }
    }

    /// AUTH and SELECT, pipelined, before any waiting command.
    private func handshake(on channel: any Channel) -> EventLoopFuture<any Channel> {
        var commands: [[RedisArgument]] = []
        if let password = options.password {
            commands.append(["AUTH"] + (options.username.map { [RedisArgument($0)] } ?? []) + [RedisArgument(password)])
        }
        if options.database != 0 { commands.append(["SELECT", RedisArgument(options.database)]) }
        guard !commands.isEmpty else { return eventLoop.makeSucceededFuture(channel) }
        let futures = commands.map { command in
            let promise = eventLoop.makePromise(of: RedisReply.self)
            // Formatting AUTH/SELECT cannot fail: they have arguments.
            channel.write(RedisRequest(bytes: try! RESPCommand.format(command), promise: promise), promise: nil)
            return promise.futureResult
        }
        channel.flush()
        let peer = self.peer
        let names = commands.map { $0[0].description }
        return EventLoopFuture.whenAllSucceed(futures, on: eventLoop).flatMapThrowing { replies in
            for (name, reply) in zip(names, replies) {
                if case .error(let message) = reply {
                    throw RedisError(.handshakeFailed, "\(name) refused by \(peer): \(message)")
                }
            }
            return channel
        }.flatMapError { error in
            channel.close(promise: nil)
            return self.eventLoop.makeFailedFuture(error)
        }
    }

    private func dialed(_ result: Result<any Channel, any Error>) {
        switch (result, state) {
        case (.success(let channel), .connecting):
            state = .connected(channel)
            channel.closeFuture.whenComplete { _ in
                if case .connected(let current) = self.state, current === channel { self.state = .idle }
            }
            let ready = waiting
            waiting = []
            for request in ready { write(request, to: channel) }
        case (.success(let channel), _):  // closed while dialing
            channel.close(promise: nil)
            failWaiting(RedisError(.closed, "the connection was closed"))
        case (.failure(let error), _):
            counters.failedDials.add(1, ordering: .relaxed)
            if case .connecting = state { state = .idle }
            failWaiting((error as? RedisError) ?? RedisError(.connectFailed, "cannot connect to \(peer): \(error)"))
        }
    }

    private func failWaiting(_ error: RedisError) {
        let failed = waiting
        waiting = []
        for request in failed { request.promise.fail(error) }
    }
}
