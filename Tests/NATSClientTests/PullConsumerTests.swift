import Foundation
import NATSClient
import NATSWire
import NIOCore
import Synchronization
import TestSupport
import Testing

/// Durable pull consumers against a real nats-server with JetStream.
@Suite(.serialized, .timeLimit(.minutes(1))) struct PullConsumerTests {
    /// A connection, its JetStream context, stream ORDERS (`orders.>`) holding `count` messages
    /// `0`, `1`… and the durable consumer `billing` on it.
    func setUp(
        _ server: NATSServer, messages count: Int, ackWait: Duration = .seconds(30)
    ) async throws -> (NATSConnection, JetStream, PullConsumer) {
        try await setUp(try await server.connect(), messages: count, ackWait: ackWait)
    }

    func setUp(
        _ connection: NATSConnection, messages count: Int, ackWait: Duration = .seconds(30)
    ) async throws -> (NATSConnection, JetStream, PullConsumer) {
        let jetStream = connection.jetStream()
        try await jetStream.createStream(StreamConfig(name: "ORDERS", subjects: ["orders.>"]))
        var config = ConsumerConfig(durableName: "billing")
        config.ackWait = ackWait
        try await jetStream.createConsumer(stream: "ORDERS", config)
        for index in 0..<count { _ = try await jetStream.publish("orders.created", payload: ByteBuffer(string: "\(index)")) }
        return (connection, jetStream, jetStream.pullConsumer(stream: "ORDERS", name: "billing"))
    }

    @Test func aFetchReturnsUpToItsBatchAndAnEmptyOneExpires() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 3)
        let first = try await consumer.fetch(batch: 2, expires: .seconds(5))
        #expect(first.map { String(buffer: $0.payload) } == ["0", "1"])
        #expect(first.map(\.metadata.streamSequence) == [1, 2] && first.map(\.metadata.consumerSequence) == [1, 2])
        #expect(first.allSatisfy { $0.metadata.stream == "ORDERS" && $0.metadata.consumer == "billing" && $0.metadata.delivered == 1 })
        #expect(first.first?.metadata.pending == 2 && first.first?.subject == "orders.created")
        for message in first { try message.ack() }
        // Fewer than asked for: what there is comes, then the request expires.
        let rest = try await consumer.fetch(batch: 5, expires: .milliseconds(500))
        #expect(rest.map { String(buffer: $0.payload) } == ["2"])
        try await rest[0].ackConfirmed()
        let none = try await consumer.fetch(batch: 1, expires: .milliseconds(300))
        #expect(none.isEmpty)
        let info = try await jetStream.consumerInfo(stream: "ORDERS", name: "billing")
        #expect(info.ackFloor.streamSequence == 3 && info.ackPending == 0 && info.pending == 0)
        await connection.close()
    }

    /// A user allowed replies only under its own prefix pulls through inboxes under it.
    @Test func pullsUseTheInboxPrefix() async throws {
        let server = try NATSServer(
            configuration: """
                authorization {
                  users = [
                    {user: admin, password: pw}
                    {user: puller, password: pw, permissions: {publish: {allow: ["$JS.API.>", "$JS.ACK.>"]}, subscribe: {allow: ["_INBOX_puller.>"]}}}
                  ]
                }
                """, jetStream: true)
        defer { server.stop() }
        let admin = try await server.connect {
            $0.user = "admin"
            $0.password = "pw"
        }
        _ = try await setUp(admin, messages: 2)
        func puller(prefix: String?) async throws -> NATSConnection {
            try await server.connect {
                $0.user = "puller"
                $0.password = "pw"
                if let prefix { $0.inboxPrefix = prefix }
            }
        }
        let allowed = try await puller(prefix: "_INBOX_puller")
        let consumer = allowed.jetStream().pullConsumer(stream: "ORDERS", name: "billing")
        let messages = try await consumer.fetch(batch: 2, expires: .seconds(5))
        #expect(messages.map { String(buffer: $0.payload) } == ["0", "1"])
        for message in messages { try await message.ackConfirmed() }

        let refused = try await puller(prefix: nil)
        // Its default inbox is refused: the fetch says so at once, rather than "no messages" at its expiry.
        let start = ContinuousClock.now
        do {
            let none = try await refused.jetStream().pullConsumer(stream: "ORDERS", name: "billing").fetch(batch: 1, expires: .seconds(20))
            Issue.record("a fetch through a refused inbox returned \(none.count) messages")
        } catch let error as NATSClientError {
            #expect(error.code == .permissionViolation && error.message.contains("_INBOX."), "\(error)")
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        await allowed.close()
        await refused.close()
        await admin.close()
    }

    /// nats-server 2.9 leaves a pull of a deleted consumer unanswered (2.11 answers 503): the
    /// client asks whether the consumer is there and says it is gone, rather than "no messages"
    /// or, in `messages()`, pulling in vain forever.
    /// A server shut down gracefully ends the pulls waiting on it with 409 "Server Shutdown": a fetch
    /// returns what came before it (delivered, waiting for its acknowledgement) instead of failing.
    @Test func aFetchEndedByAServerShutdownKeepsWhatCameBefore() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 3)
        let fetching = Task { try await consumer.fetch(batch: 10, expires: .seconds(30)) }
        // The three came; the pull waits for seven more.
        while try await jetStream.consumerInfo(stream: "ORDERS", name: "billing").ackPending < 3 {
            try await Task.sleep(for: .milliseconds(20))
        }
        server.stop()
        let fetched = try await fetching.value
        #expect(fetched.map { String(buffer: $0.payload) } == ["0", "1", "2"])
        await connection.close()
    }

    @Test func aPullOfAConsumerThatIsGoneSaysSo() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 1)
        try await jetStream.deleteConsumer(stream: "ORDERS", name: "billing")
        do {
            let messages = try await consumer.fetch(batch: 1, expires: .seconds(1))
            Issue.record("fetched \(messages.count) from a deleted consumer")
        } catch let error as JetStreamError {
            #expect(error.code == .consumerDeleted && error.isConsumerNotFound, "\(error)")
        }
        var messages = consumer.messages(batch: 1, expires: .seconds(2)).makeAsyncIterator()
        do {
            let message = try await messages.next()
            Issue.record("messages() of a deleted consumer gave \(String(describing: message))")
        } catch let error as JetStreamError {
            #expect(error.code == .consumerDeleted, "\(error)")
        }
        await connection.close()
    }

    /// nats-server 2.11 answers a pull of a consumer that is gone with 503 (no responders). Here a
    /// plain server stands in: nothing listens for pulls, and CONSUMER.INFO answers "consumer not
    /// found" (10014), so the 503 is told as the consumer being gone, not JetStream missing.
    @Test func aPullAnsweredNoRespondersAsksWhetherTheConsumerIsThere() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        _ = try await connection.subscribe("$JS.API.CONSUMER.INFO.ORDERS.billing") { message in
            let notFound = #"{"type":"io.nats.jetstream.api.v1.consumer_info_response","error":{"code":404,"err_code":10014,"description":"consumer not found"}}"#
            if let replyTo = message.replyTo { try? connection.publish(replyTo, payload: ByteBuffer(string: notFound)) }
        }
        try await connection.flush()
        let consumer = connection.jetStream().pullConsumer(stream: "ORDERS", name: "billing")
        do {
            let messages = try await consumer.fetch(batch: 1, expires: .seconds(5))
            Issue.record("fetched \(messages.count)")
        } catch let error as JetStreamError {
            #expect(error.code == .consumerDeleted && error.isConsumerNotFound, "\(error)")
        }
        await connection.close()
    }

    /// A pull the consumer will always refuse (a batch past its `max_batch`) fails as refused, and
    /// `messages()` ends with that error instead of asking again and again.
    @Test func aPullPastTheConsumersLimitsIsRefusedForGood() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, _) = try await setUp(server, messages: 1)
        var config = ConsumerConfig(durableName: "small")
        config.maxRequestBatch = 10
        config.maxRequestExpires = .seconds(20)
        let info = try await jetStream.createConsumer(stream: "ORDERS", config)
        #expect(info.config.maxRequestBatch == 10 && info.config.maxRequestExpires == .seconds(20))
        let consumer = jetStream.pullConsumer(stream: "ORDERS", name: "small")
        do {
            let messages = try await consumer.fetch(batch: 64, expires: .seconds(1))
            Issue.record("a batch past max_batch brought \(messages.count)")
        } catch let error as JetStreamError {
            #expect(error.code == .pullRefused && error.message.contains("Exceeded MaxRequestBatch"), "\(error)")
        }
        var messages = consumer.messages(batch: 64, expires: .seconds(5)).makeAsyncIterator()
        await #expect(throws: JetStreamError.self) { _ = try await messages.next() }
        #expect(try await consumer.fetch(batch: 10, expires: .seconds(1)).count == 1, "within its limits it serves")
        await connection.close()
    }

    @Test func aNakRedeliversATermDoesNot() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 3)
        let delivered = try await consumer.fetch(batch: 3)
        #expect(delivered.count == 3)
        let copy = delivered[0]  // made before the answer: copies share it
        try delivered[0].nak()
        try delivered[1].nak(delay: .milliseconds(100))
        try delivered[2].term()
        // One final answer per message, whichever copy of it gives it.
        for second in [{ try copy.ack() }, { try delivered[2].nak() }, { try delivered[2].inProgress() }] {
            let refused = #expect(throws: JetStreamError.self) { try second() }
            #expect(refused?.code == .alreadyAcknowledged, "\(String(describing: refused))")
        }
        var again: [JetStreamMessage] = []
        // Redeliveries come when due; a fetch waits for them (bounded by its expiry).
        for _ in 0..<10 where again.count < 2 {
            again += try await consumer.fetch(batch: 2 - again.count, expires: .seconds(2))
        }
        #expect(again.map(\.metadata.streamSequence).sorted() == [1, 2], "the terminated message is not redelivered")
        #expect(again.allSatisfy { $0.metadata.delivered == 2 })
        for message in again {
            try message.inProgress()  // as often as needed before the final answer
            try await message.ackConfirmed()
        }
        await #expect(throws: JetStreamError.self) { try await again[0].ackConfirmed() }
        #expect(try await consumer.fetch(batch: 1, expires: .milliseconds(300)).isEmpty)
        let info = try await jetStream.consumerInfo(stream: "ORDERS", name: "billing")
        #expect(info.ackPending == 0 && info.redelivered == 0 && info.delivered.streamSequence == 3)
        await connection.close()
    }

    @Test func aDurableConsumerResumesAfterTheClientReconnects() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 2)
        let first = try await consumer.fetch(batch: 1)
        #expect(first.map(\.metadata.streamSequence) == [1])
        try await first[0].ackConfirmed()

        var events = connection.events.makeAsyncIterator()
        server.stop()
        try server.start()
        while let event = await events.next() {
            if case .reconnected = event { break }
        }
        // JetStream recovers its streams after the server accepts connections: wait (bounded) for it.
        var stored: PubAck?
        for _ in 0..<100 where stored == nil {
            stored = try? await jetStream.publish("orders.created", payload: ByteBuffer(string: "2"), timeout: .milliseconds(500))
            if stored == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(stored?.sequence == 3)
        var resumed: [JetStreamMessage] = []
        for _ in 0..<10 where resumed.count < 2 { resumed += try await consumer.fetch(batch: 2 - resumed.count, expires: .seconds(2)) }
        #expect(resumed.map { String(buffer: $0.payload) } == ["1", "2"], "where it left off, the acknowledged one not again")
        await connection.close()
    }

    @Test func messagesYieldsEachMessageAsItComesAndKeepsPulling() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 3)
        let (read, reading) = AsyncStream<String>.makeStream()
        let reader = Task {
            // Batches larger than what is there and requests that outlive the test's time limit:
            // a message must come as soon as the server sends it, not when a batch completes.
            for try await message in consumer.messages(batch: 100, expires: .seconds(90)) {
                reading.yield(String(buffer: message.payload))
                try message.ack()
            }
            reading.finish()
        }
        var seen = read.makeAsyncIterator()
        var received: [String] = []
        for _ in 0..<3 { received.append(await seen.next() ?? "ended") }
        // Published only after the first three were read: the running pull delivers them.
        for index in 3..<6 { _ = try await jetStream.publish("orders.created", payload: ByteBuffer(string: "\(index)")) }
        for _ in 3..<6 { received.append(await seen.next() ?? "ended") }
        #expect(received == (0..<6).map(String.init))
        reader.cancel()
        #expect(await seen.next() == nil, "the sequence ends when its task is cancelled")
        let info = try await jetStream.consumerInfo(stream: "ORDERS", name: "billing")
        #expect(info.delivered.streamSequence == 6)
        await connection.close()
    }

    @Test func messagesGoesOnAfterTheServerRestarts() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 1)
        let (read, reading) = AsyncStream<String>.makeStream()
        let reader = Task {
            for try await message in consumer.messages(batch: 10, expires: .seconds(1)) {
                // Acknowledged before it is reported: the test stops the server right after
                // (an ack still in flight then would fail with the connection and end the reader).
                try await message.ackConfirmed()
                reading.yield(String(buffer: message.payload))
            }
        }
        var seen = read.makeAsyncIterator()
        #expect(await seen.next() == "0")
        var events = connection.events.makeAsyncIterator()
        server.stop()
        try server.start()
        while let event = await events.next() {
            if case .reconnected = event { break }
        }
        var stored: PubAck?
        for _ in 0..<100 where stored == nil {
            stored = try? await jetStream.publish("orders.created", payload: ByteBuffer(string: "1"), timeout: .milliseconds(500))
            if stored == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        // The pull the restart lost runs out; the next one gets the new message.
        #expect(await seen.next() == "1")
        reader.cancel()
        await connection.close()
    }

    @Test func aPullThatARestartLostEndsAfterTwoMissedHeartbeats() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 0)
        // Without heartbeats this pull would wait past the test's time limit.
        let pulling = Task { try await consumer.pull(batch: 1, expires: .seconds(120), idleHeartbeat: .milliseconds(500)) { _ in } }
        while try await jetStream.consumerInfo(stream: "ORDERS", name: "billing").waiting == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        // A crash: no "409 Server Shutdown" ends the pull, it is just gone.
        var events = connection.events.makeAsyncIterator()
        #expect(server.send(SIGKILL))
        server.stop()
        try server.start()
        while let event = await events.next() {
            if case .reconnected = event { break }
        }
        #expect(try await pulling.value == 0)
        await #expect(throws: NATSClientError.self, "at most half of the expiry") {
            try await consumer.pull(batch: 1, expires: .seconds(2), idleHeartbeat: .seconds(2)) { _ in }
        }
        await connection.close()
    }

    @Test func aSlowReaderKeepsWhatItsPullBrought() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, _, consumer) = try await setUp(server, messages: 3)
        var messages = consumer.messages(batch: 3, expires: .seconds(2)).makeAsyncIterator()
        let first = try #require(try await messages.next())
        // Work that outlasts the request's expiry, its deadline and two heartbeats (not a
        // synchronisation: the longer it takes, the more the pull is tested).
        try await Task.sleep(for: .seconds(5))
        try first.ack()
        var rest: [JetStreamMessage] = []
        for _ in 0..<2 { rest.append(try #require(try await messages.next())) }
        #expect(rest.map { String(buffer: $0.payload) } == ["1", "2"])
        #expect(rest.allSatisfy { $0.metadata.delivered == 1 }, "what the pull brought was kept, not dropped and redelivered")
        await connection.close()
    }

    @Test func messagesSendsANewRequestWhenABatchIsDone() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 3)
        let reader = Task {
            var seen: [String] = []
            // Small batches and short expiries: the sequence sends request after request.
            for try await message in consumer.messages(batch: 2, expires: .milliseconds(200)) {
                seen.append(String(buffer: message.payload))
                try message.ack()
                if seen.count == 8 { break }
            }
            return seen
        }
        for index in 3..<8 { _ = try await jetStream.publish("orders.created", payload: ByteBuffer(string: "\(index)")) }
        #expect(try await reader.value == (0..<8).map(String.init))
        await connection.close()
    }

    @Test func consumerErrorsAreTheServers() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (connection, jetStream, consumer) = try await setUp(server, messages: 0)
        let noStream = await #expect(throws: JetStreamError.self) {
            try await jetStream.createConsumer(stream: "MISSING", ConsumerConfig(durableName: "billing"))
        }
        #expect(noStream?.isStreamNotFound == true)
        let noConsumer = await #expect(throws: JetStreamError.self) { try await jetStream.consumerInfo(stream: "ORDERS", name: "nobody") }
        #expect(noConsumer?.isConsumerNotFound == true)
        await #expect(throws: NATSClientError.self) { try await jetStream.createConsumer(stream: "ORDERS", ConsumerConfig()) }
        await #expect(throws: NATSClientError.self, "a name is one token") {
            try await jetStream.pullConsumer(stream: "ORDERS", name: "bill.ing").fetch(batch: 1)
        }
        await #expect(throws: NATSClientError.self) { try await consumer.fetch(batch: 0) }

        // Made again as it is: the same consumer. Made with another configuration: refused, and
        // the consumer is left as it was.
        let same = try await jetStream.createConsumer(stream: "ORDERS", ConsumerConfig(durableName: "billing"))
        #expect(same.config.ackWait == .seconds(30))
        var other = ConsumerConfig(durableName: "billing")
        other.ackWait = .seconds(5)
        let conflict = await #expect(throws: JetStreamError.self) { try await jetStream.createConsumer(stream: "ORDERS", other) }
        #expect(conflict?.isConsumerAlreadyExists == true, "\(String(describing: conflict))")
        #expect(try await jetStream.consumerInfo(stream: "ORDERS", name: "billing").config.ackWait == .seconds(30))
        #expect(try await jetStream.updateConsumer(stream: "ORDERS", other).config.ackWait == .seconds(5), "changed on purpose")

        // A pull waiting at the server ends when its consumer is deleted.
        let waiting = Task { try await consumer.fetch(batch: 1, expires: .seconds(20)) }
        for _ in 0..<200 where try await jetStream.consumerInfo(stream: "ORDERS", name: "billing").waiting == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await jetStream.deleteConsumer(stream: "ORDERS", name: "billing")
        let deleted = await #expect(throws: JetStreamError.self) { try await waiting.value }
        #expect(deleted?.code == .consumerDeleted)
        await connection.close()
    }
}
