import Foundation
import NATSClient
import NATSWire
import NIOCore
import Synchronization
import TestSupport
import Testing

/// The client against a real nats-server on loopback.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSConnectionTests {
    /// The first `count` messages of `subscription`, or those that came before `timeout` passed.
    func collect(_ subscription: NATSSubscription, count: Int, timeout: Duration = .seconds(5)) async -> [InboundMessage] {
        let collected = Collected()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in subscription {
                    let done = collected.messages.withLock { messages in
                        messages.append(message)
                        return messages.count == count
                    }
                    if done { break }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        subscription.unsubscribe()
        return collected.messages.withLock { $0 }
    }

    @Test func publishAndSubscribeWithHeaders() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("orders.*")
        try await connection.flush()
        var headers = NATSHeaders(status: nil)
        headers.add("Trace", "1")
        try connection.publish("orders.created", payload: ByteBuffer(string: "hello"), headers: headers, replyTo: "reply.here")
        try connection.publish("orders.updated", payload: ByteBuffer(string: "again"))
        try connection.publish("other.subject", payload: ByteBuffer(string: "not for us"))
        let messages = await collect(subscription, count: 2)
        #expect(messages.map(\.subject) == ["orders.created", "orders.updated"])
        #expect(messages.map { String(buffer: $0.payload) } == ["hello", "again"])
        #expect(messages.first?.headers?["Trace"] == "1" && messages.first?.replyTo == "reply.here")
        await connection.close()
    }

    @Test func queueGroupMembersShareTheMessages() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let first = try await connection.subscribe("work", queue: "workers")
        let second = try await connection.subscribe("work", queue: "workers")
        try await connection.flush()
        for index in 0..<200 { try connection.publish("work", payload: ByteBuffer(string: "\(index)")) }
        try await connection.flush()
        async let a = collect(first, count: 200, timeout: .seconds(2))
        async let b = collect(second, count: 200, timeout: .seconds(2))
        let (left, right) = await (a, b)
        #expect(left.count + right.count == 200, "each message goes to one member")
        #expect(!left.isEmpty && !right.isEmpty, "both members get work: \(left.count) / \(right.count)")
        await connection.close()
    }

    @Test func unsubscribeAfterEndsTheSequence() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("count")
        subscription.unsubscribe(after: 3)
        for index in 0..<10 { try connection.publish("count", payload: ByteBuffer(string: "\(index)")) }
        var received: [String] = []
        for await message in subscription { received.append(String(buffer: message.payload)) }
        #expect(received == ["0", "1", "2"])
        await connection.close()
    }

    @Test func aLimitCountsTheMessagesAlreadyDelivered() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("late.limit")
        for index in 0..<2 { try connection.publish("late.limit", payload: ByteBuffer(string: "\(index)")) }
        var iterator = subscription.makeAsyncIterator()
        #expect(await iterator.next().map { String(buffer: $0.payload) } == "0")
        #expect(await iterator.next().map { String(buffer: $0.payload) } == "1")
        // Two delivered already: a limit of 3 lets exactly one more through, as the server counts.
        subscription.unsubscribe(after: 3)
        for index in 2..<6 { try connection.publish("late.limit", payload: ByteBuffer(string: "\(index)")) }
        var rest: [String] = []
        while let message = await iterator.next() { rest.append(String(buffer: message.payload)) }
        #expect(rest == ["2"])

        // A limit already reached ends the sequence at once.
        let reached = try await connection.subscribe("reached.limit")
        try connection.publish("reached.limit", payload: ByteBuffer(string: "only"))
        var second = reached.makeAsyncIterator()
        #expect(await second.next() != nil)
        reached.unsubscribe(after: 1)
        #expect(await second.next() == nil)
        await connection.close()
    }

    @Test func survivesAServerRestartAndResubscribes() async throws {
        let server = try NATSServer()
        var options = server.options()
        options.maxReconnectAttempts = nil
        let connection = try await NATSConnection.connect(options)
        let subscription = try await connection.subscribe("after.restart")
        try await connection.flush()
        server.stop()
        var events: [ConnectionEvent] = []
        for await event in connection.events {
            events.append(event)
            if case .disconnected = event { break }
        }
        // Published while the server is down: buffered, sent after the reconnect.
        try connection.publish("after.restart", payload: ByteBuffer(string: "buffered"))
        try server.start()
        for await event in connection.events {
            events.append(event)
            if case .reconnected = event { break }
        }
        #expect(events.contains { if case .disconnected = $0 { true } else { false } })
        try connection.publish("after.restart", payload: ByteBuffer(string: "live"))
        let messages = await collect(subscription, count: 2)
        #expect(messages.map { String(buffer: $0.payload) } == ["buffered", "live"])
        await connection.close()
        server.stop()
    }

    @Test func aLimitedSubscriptionKeepsItsLimitAcrossAReconnect() async throws {
        let server = try NATSServer()
        var options = server.options()
        options.maxReconnectAttempts = nil
        let connection = try await NATSConnection.connect(options)
        let subscription = try await connection.subscribe("limited")
        subscription.unsubscribe(after: 4)
        try connection.publish("limited", payload: ByteBuffer(string: "1"))
        try connection.publish("limited", payload: ByteBuffer(string: "2"))
        try await connection.flush()
        server.stop()
        try server.start()
        for await event in connection.events {
            if case .reconnected = event { break }
        }
        for index in 3...6 { try connection.publish("limited", payload: ByteBuffer(string: "\(index)")) }
        var received: [String] = []
        for await message in subscription { received.append(String(buffer: message.payload)) }
        #expect(received == ["1", "2", "3", "4"])
        // The server itself stopped after 4: it sent nothing more for the client to throw away.
        try await connection.flush()
        #expect(await connection.statistics().inMessages == 4)
        await connection.close()
        server.stop()
    }

    @Test func noServerMeansAClearError() async throws {
        let port = try NATSServer.freePort()
        var options = NATSOptions(servers: ["nats://127.0.0.1:\(port)"])
        options.maxReconnectAttempts = 1
        await #expect(throws: NATSClientError.self) { _ = try await NATSConnection.connect(options) }
        await #expect(throws: NATSClientError.self) { _ = try await NATSConnection.connect(NATSOptions(servers: ["http://x"])) }
    }

    @Test func closeEndsSubscriptionsAndFailsLaterCalls() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("x")
        await connection.close()
        var count = 0
        for await _ in subscription { count += 1 }
        #expect(count == 0)
        await #expect(throws: NATSClientError.self) { try await connection.flush() }
        await #expect(throws: NATSClientError.self) { _ = try await connection.subscribe("y") }
    }
}

/// Messages gathered by a task, read by the test after it.
final class Collected: Sendable {
    let messages = Mutex<[InboundMessage]>([])
}

/// Request/reply through the shared inbox, against a real nats-server.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSRequestTests {
    /// Answers every request on `subject` with the payload upper-cased, until the subscription ends.
    func respond(on connection: NATSConnection, to subject: String, queue: String? = nil) async throws -> NATSSubscription {
        let subscription = try await connection.subscribe(subject, queue: queue)
        Task {
            for await message in subscription {
                guard let replyTo = message.replyTo else { continue }
                try? connection.publish(replyTo, payload: ByteBuffer(string: String(buffer: message.payload).uppercased()))
            }
        }
        try await connection.flush()
        return subscription
    }

    @Test func requestsGetTheirOwnReplies() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let responder = try await server.connect()
        let requester = try await server.connect()
        let subscription = try await respond(on: responder, to: "echo", queue: "q")
        let replies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<50 {
                group.addTask {
                    let reply = try await requester.request("echo", payload: ByteBuffer(string: "m\(index)"), timeout: .seconds(5))
                    return (index, String(buffer: reply.payload))
                }
            }
            var replies: [Int: String] = [:]
            for try await (index, reply) in group { replies[index] = reply }
            return replies
        }
        #expect(replies.count == 50)
        #expect(replies.allSatisfy { $0.value == "M\($0.key)" }, "every reply matches its request")
        subscription.unsubscribe()
        await requester.close()
        await responder.close()
    }

    /// The `[UInt8]` forms of publish and request: the same bytes on the wire as a ByteBuffer's.
    @Test func arrayPayloadsArePublishedAndRequested() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("bytes.out")
        var messages = subscription.makeAsyncIterator()
        try await connection.flush()
        var headers = NATSHeaders(status: nil)
        headers.add("Trace", "7")
        try connection.publish("bytes.out", payload: Array("{\"é\":1}".utf8), headers: headers, replyTo: "reply.here")
        try connection.publish("bytes.out", payload: [])
        let first = try #require(await messages.next())
        #expect(Array(first.payload.readableBytesView) == Array("{\"é\":1}".utf8))
        #expect(first.headers?["Trace"] == "7" && first.replyTo == "reply.here")
        #expect(try #require(await messages.next()).payload.readableBytes == 0)
        #expect(throws: NATSClientError.self) { try connection.publish("bad subject", payload: [1, 2]) }

        let responder = try await server.connect()
        let serving = try await respond(on: responder, to: "bytes.echo", queue: nil)
        let reply = try await connection.request("bytes.echo", payload: Array("abc".utf8), timeout: .seconds(5))
        #expect(String(buffer: reply.payload) == "ABC")
        serving.unsubscribe()
        await responder.close()
        await connection.close()
    }

    @Test func noRespondersFailsAtOnce() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let start = ContinuousClock.now
        await #expect(throws: NATSClientError(.noResponders, "no responders")) {
            _ = try await connection.request("nobody.home", timeout: .seconds(10))
        }
        #expect(ContinuousClock.now - start < .seconds(5), "not after the timeout")
        await connection.close()
    }

    @Test func silentRespondersTimeOut() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let silent = try await connection.subscribe("silent")
        try await connection.flush()
        do {
            _ = try await connection.request("silent", timeout: .milliseconds(200))
            Issue.record("a reply came from nowhere")
        } catch let error as NATSClientError {
            #expect(error.code == .timeout)
        }
        silent.unsubscribe()
        await connection.close()
    }

    @Test func aShortTimeoutAfterALongOneFiresFirst() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let silent = try await connection.subscribe("silent")
        try await connection.flush()
        let long = Task { try await connection.request("silent", timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        for _ in 0..<3 {  // each one times out although the pending long one's deadline is later
            await #expect(throws: NATSClientError.self) { _ = try await connection.request("silent", timeout: .milliseconds(100)) }
        }
        long.cancel()
        do {
            _ = try await long.value
            Issue.record("a reply came from nowhere")
        } catch let error as NATSClientError {
            #expect(error.code == .cancelled, "the long request was still waiting")
        }
        silent.unsubscribe()
        await connection.close()
    }

    @Test func cancellingTheTaskCancelsTheRequest() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let silent = try await connection.subscribe("silent")
        try await connection.flush()
        let task = Task { try await connection.request("silent", timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("cancelled request returned")
        } catch let error as NATSClientError {
            #expect(error.code == .cancelled)
        }
        silent.unsubscribe()
        await connection.close()
    }
}

/// Batching, statistics, limits.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSFlowTests {
    @Test func tenThousandPublishesArriveInOrderAndAreCounted() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("burst")
        try await connection.flush()
        for index in 0..<10_000 { try connection.publish("burst", payload: ByteBuffer(string: String(index))) }
        try await connection.flush()
        var expected = 0
        for await message in subscription {
            #expect(String(buffer: message.payload) == String(expected))
            expected += 1
            if expected == 10_000 { break }
        }
        #expect(expected == 10_000)
        let statistics = await connection.statistics()
        #expect(statistics.outMessages == 10_000 && statistics.inMessages == 10_000)
        #expect(statistics.outBytes == statistics.inBytes && statistics.outBytes == (0..<10_000).reduce(0) { $0 + String($1).utf8.count })
        await connection.close()
    }

    @Test func aFullReconnectBufferIsAClearError() async throws {
        let server = try NATSServer()
        let connection = try await server.connect { $0.reconnectBufferSize = 1_000; $0.maxReconnectAttempts = nil }
        server.stop()
        for await event in connection.events {
            if case .disconnected = event { break }
        }
        try connection.publish("x", payload: ByteBuffer(repeating: 1, count: 500))
        func code(_ body: () throws -> Void) -> NATSClientError.Code? {
            do { try body() } catch { return (error as? NATSClientError)?.code }
            return nil
        }
        #expect(code { try connection.publish("x", payload: ByteBuffer(repeating: 1, count: 600)) } == .reconnectBufferFull)
        #expect(code { try connection.publish("bad subject", payload: ByteBuffer()) } == .invalidArgument)
        try connection.publish("x", payload: ByteBuffer(repeating: 1, count: 100))  // the refused one took no room
        await connection.close()
        #expect(code { try connection.publish("x", payload: ByteBuffer()) } == .connectionClosed)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSDrainTests {
    @Test func drainDeliversWhatTheServerSentThenCloses() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let subscription = try await connection.subscribe("drain.me")
        try await connection.flush()
        for index in 0..<1_000 { try connection.publish("drain.me", payload: ByteBuffer(string: "\(index)")) }
        // Nothing read yet: draining must still hand over every message the server routed.
        try await connection.drain()
        var received = 0
        for await _ in subscription { received += 1 }
        #expect(received == 1_000)
        await #expect(throws: NATSClientError.self) { try await connection.flush() }
        #expect(throws: NATSClientError.self) { try connection.publish("drain.me", payload: ByteBuffer()) }
    }

    /// The task reading a subscription finishes what it was handed before the connection closes,
    /// and what it publishes meanwhile (a reply to each request) goes out: no reply is lost.
    /// (Drain once closed right after the server's last message, and replies made after that failed.)
    @Test func drainLetsReadersFinishAndSendsWhatTheyPublished() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let service = try await server.connect()
        let work = try await service.subscribe("work")
        let working = Finished()
        let worker = Task {
            var handled = 0
            for await message in work {
                working.set()
                try? await Task.sleep(for: .milliseconds(2))  // slower than the messages come
                if let replyTo = message.replyTo { try? service.publish(replyTo, payload: message.payload) }
                handled += 1
            }
            return handled
        }
        try await service.flush()
        let client = try await server.connect()
        _ = try await client.subscribe("done")
        try await client.flush()
        for index in 0..<200 { try client.publish("work", payload: ByteBuffer(string: "\(index)"), replyTo: "done") }
        try await client.flush()
        for _ in 0..<500 where await service.statistics().inMessages < 200 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await service.statistics().inMessages == 200, "all 200 reached the service before the drain")
        while !working.isSet { try await Task.sleep(for: .milliseconds(5)) }

        try await service.drain()
        #expect(await worker.value == 200)
        try await client.flush()  // behind every reply the server routed before the service closed
        #expect(await client.statistics().inMessages == 200, "every reply went out before the close")
        await client.close()
    }

    /// `close()` right after a burst, without a flush: everything published before it reaches the
    /// server, as with nats.go's `Close`, here a server that is slow to read (frozen for a moment).
    /// (What still waited in the write buffer was dropped. Then, under load, a socket closed outright
    /// while the server's PING waited unread in it was reset, and what it had not sent was lost:
    /// the server's log said "Read Error". Only the sending side closes now.)
    @Test func closeSendsWhatWasPublishedBeforeIt() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let subscriber = try await server.connect()
        _ = try await subscriber.subscribe("burst")
        try await subscriber.flush()
        // As long as it takes the server (a busy machine runs the suites beside it), within the test's time.
        let publisher = try await server.connect { $0.closeTimeout = .seconds(40) }
        server.pause()
        let payload = ByteBuffer(repeating: 0x62, count: 32 * 1024)
        var published = 0
        for _ in 0..<4_000 where await publisher.statistics().pendingOutBytes < 512 * 1024 {
            try publisher.publish("burst", payload: payload)
            published += 1
        }
        #expect(await publisher.statistics().pendingOutBytes >= 512 * 1024, "the sockets never filled")
        let closing = Task { await publisher.close() }
        try await Task.sleep(for: .milliseconds(50))  // close() under way (the old one dropped the rest at once)
        server.resume()
        await closing.value
        for _ in 0..<400 where await subscriber.statistics().inMessages < published { try await Task.sleep(for: .milliseconds(25)) }
        let received = await subscriber.statistics().inMessages
        #expect(received == published, "\(received) of \(published) arrived")
        await subscriber.close()
    }

    /// Readers that stopped (a loop left after one message, a task cancelled while it waited)
    /// hold up no drain: only a reader still at work is waited for.
    @Test func readersThatStoppedDoNotHoldUpADrain() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let left = try await connection.subscribe("left.early")
        let cancelled = try await connection.subscribe("cancelled")
        for text in ["1", "2"] { try connection.publish("left.early", payload: ByteBuffer(string: text)) }
        try await connection.flush()
        await Task { for await _ in left { break } }.value
        let waiting = Task { for await _ in cancelled {} }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await waiting.value
        let started = ContinuousClock.now
        try await connection.drain(timeout: .seconds(20))
        #expect(ContinuousClock.now - started < .seconds(5), "nobody was still reading")
    }

    /// A reader that does not finish in time: the drain closes the connection at its timeout and
    /// says so; a subscription no task reads is not waited for (its messages stay readable).
    @Test func drainWaitsForReadersUpToItsTimeout() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let stuck = try await connection.subscribe("stuck")
        let unread = try await connection.subscribe("unread")
        let reading = Finished()
        let reader = Task {
            for await _ in stuck {
                reading.set()
                try? await Task.sleep(for: .seconds(30))
            }
        }
        try connection.publish("stuck", payload: ByteBuffer(string: "1"))
        try connection.publish("unread", payload: ByteBuffer(string: "2"))
        try await connection.flush()
        while !reading.isSet { try await Task.sleep(for: .milliseconds(5)) }
        let started = ContinuousClock.now
        await #expect { try await connection.drain(timeout: .milliseconds(300)) } throws: { ($0 as? NATSClientError)?.code == .timeout }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(await connection.status() == .closed)
        var left = unread.makeAsyncIterator()
        #expect(await left.next().map { String(buffer: $0.payload) } == "2")
        reader.cancel()
    }

    /// Another task closing the connection while a drain waits for its flush (the server frozen):
    /// the drain ends, saying the connection was closed, not lost.
    @Test func aCloseDuringADrainIsReportedAsClosed() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect { $0.closeTimeout = .milliseconds(300) }  // the frozen server reads nothing
        _ = try await connection.subscribe("drain.closed")
        try await connection.flush()
        server.pause()
        let draining = Task { try await connection.drain() }
        try await Task.sleep(for: .milliseconds(200))  // the drain waits for a PONG that cannot come
        await connection.close()
        await #expect { try await draining.value } throws: { ($0 as? NATSClientError)?.code == .connectionClosed }
        server.resume()
    }

    /// Draining while the server is away cannot confirm the flush: it says so, and the connection
    /// is closed all the same (a shutdown that drains must not leave it reconnecting).
    @Test func drainWithoutAServerStillCloses() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect { $0.maxReconnectAttempts = nil }
        let subscription = try await connection.subscribe("drain.alone")
        try await connection.flush()
        var events = connection.events.makeAsyncIterator()
        server.stop()
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        await #expect { try await connection.drain() } throws: { ($0 as? NATSClientError)?.code == .disconnected }
        // Closed: the subscription's sequence ends (else the time limit), publishing is refused.
        var delivered = 0
        for await _ in subscription { delivered += 1 }
        #expect(delivered == 0)
        #expect { try connection.publish("drain.alone", payload: ByteBuffer()) } throws: {
            ($0 as? NATSClientError)?.code == .connectionClosed
        }
        var closed = false
        while !closed, let event = await events.next() {
            if case .closed = event { closed = true }
        }
        #expect(closed, "the connection said it closed")
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSBackpressureTests {
    @Test func flushTimesOutOnAFrozenServerAndRecovers() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        server.pause()
        do {
            try await connection.flush(timeout: .milliseconds(300))
            Issue.record("a frozen server answered")
        } catch let error as NATSClientError {
            #expect(error.code == .timeout)
        }
        server.resume()
        // The late PONG of the timed-out flush must not complete this one early; it completes on its own.
        try await connection.flush(timeout: .seconds(5))
        await connection.close()
    }

    @Test func aPublisherThatOutrunsTheSocketWaitsInsteadOfGrowingMemory() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect { $0.maxPendingBytes = 1 << 20 }
        server.pause()
        let total = 50_000
        let payload = ByteBuffer(repeating: 0x61, count: 1024)
        let finished = Finished()
        // A plain thread: `publish` blocks its caller, as a publisher on a full socket should.
        let publisher = Thread {
            for _ in 0..<total { try? connection.publish("flood", payload: payload) }
            finished.flag.store(true, ordering: .releasing)
        }
        publisher.start()
        try await Task.sleep(for: .seconds(1))
        let stalled = await connection.statistics()
        #expect(stalled.outMessages < total, "the publisher is held back while the server is frozen")
        #expect(stalled.pendingOutBytes <= (1 << 20) + 2048, "queued bytes stay near the limit: \(stalled.pendingOutBytes)")
        server.resume()
        // Wait without blocking a concurrency thread (bounded: 30 s).
        for _ in 0..<300 where !finished.flag.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(100)) }
        let done = finished.flag.load(ordering: .acquiring)
        #expect(done, "the publisher finishes once the server reads again")
        try await connection.flush()
        #expect(await connection.statistics().outMessages == total)
        await connection.close()
    }
}

/// Set by a plain thread when it is done.
final class Finished: Sendable {
    let flag = Atomic(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}

extension NATSServer {
    /// Options for this server, in order, with what the test changes.
    func options(_ configure: (inout NATSOptions) -> Void = { _ in }) -> NATSOptions {
        var options = NATSOptions(servers: [url], name: "switchboard-tests")
        options.randomizeServers = false
        configure(&options)
        return options
    }

    func connect(_ configure: (inout NATSOptions) -> Void = { _ in }) async throws -> NATSConnection {
        try await NATSConnection.connect(options(configure))
    }
}

extension NATSConnectionTests {
    @Test func drainingASubscriptionKeepsWhatTheServerAlreadySent() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let subscriber = try await server.connect()
        let publisher = try await server.connect()
        let subscription = try await subscriber.subscribe("drained")
        try await subscriber.flush()
        for index in 0..<2_000 { try publisher.publish("drained", payload: ByteBuffer(string: "\(index)")) }
        try await publisher.flush()  // the server has routed all 2,000 to the subscriber
        await subscription.drain()
        var count = 0
        for await _ in subscription { count += 1 }
        #expect(count == 2_000, "nothing the server sent before the UNSUB was lost")
        try publisher.publish("drained", payload: ByteBuffer(string: "late"))
        try await publisher.flush()
        #expect(await subscriber.statistics().inMessages == 2_000, "the server stopped sending")
        await subscriber.close()
        await publisher.close()
    }
}
