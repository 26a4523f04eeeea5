import Foundation
import NATSClient
import NATSWire
import NIOCore
import Synchronization
import TestSupport
import Testing

/// JetStream against a real nats-server started with `-js` and its own store folder.
@Suite(.serialized, .timeLimit(.minutes(1))) struct JetStreamTests {
    func orders(_ jetStream: JetStream, duplicateWindow: Duration = .seconds(120)) async throws {
        var config = StreamConfig(name: "ORDERS", subjects: ["orders.>"])
        config.duplicateWindow = duplicateWindow
        try await jetStream.createStream(config)
    }

    @Test func aPublishIsAcknowledgedOnceStored() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        try await orders(jetStream)
        let first = try await jetStream.publish("orders.created", payload: ByteBuffer(string: "one"))
        var headers = NATSHeaders(status: nil)
        headers["Trace"] = "t1"
        let second = try await jetStream.publish("orders.paid", payload: ByteBuffer(string: "two"), headers: headers)
        #expect(first.stream == "ORDERS" && first.sequence == 1 && !first.duplicate && first.domain == nil)
        #expect(second.sequence == 2)
        let info = try await jetStream.streamInfo("ORDERS")
        #expect(info.state.messages == 2 && info.state.lastSequence == 2)
        await connection.close()
    }

    @Test func aMessageIDIsStoredOnceWithinTheDuplicateWindow() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        try await orders(jetStream)
        let first = try await jetStream.publish("orders.created", payload: ByteBuffer(string: "a"), messageID: "order-1")
        let again = try await jetStream.publish("orders.created", payload: ByteBuffer(string: "a"), messageID: "order-1")
        let other = try await jetStream.publish("orders.created", payload: ByteBuffer(string: "b"), messageID: "order-2")
        #expect(!first.duplicate && again.duplicate && again.sequence == first.sequence)
        #expect(other.sequence == 2 && !other.duplicate)
        #expect(try await jetStream.streamInfo("ORDERS").state.messages == 2)
        await connection.close()
    }

    @Test func publishingWhereNoStreamStoresTheSubjectIsATypedError() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        try await orders(jetStream)
        let error = await #expect(throws: JetStreamError.self) { try await jetStream.publish("invoices.created") }
        #expect(error?.code == .noStream && error?.message == "no stream stores subject invoices.created")
        await connection.close()
    }

    /// Nothing answers a publish while JetStream is not listening yet (a server starting, a stream
    /// being made): it is tried again, `publishRetryDelay` apart, before it counts as no stream.
    @Test func aPublishThatNothingAnswersYetIsTriedAgain() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        var jetStream = connection.jetStream()
        jetStream.publishRetryAttempts = 50
        jetStream.publishRetryDelay = .milliseconds(100)
        let publishing = Task { [jetStream] in try await jetStream.publish("late.created", payload: ByteBuffer(string: "x")) }
        try await Task.sleep(for: .milliseconds(300))
        try await jetStream.createStream(StreamConfig(name: "LATE", subjects: ["late.>"]))
        let ack = try await publishing.value
        #expect(ack.stream == "LATE" && ack.sequence == 1)

        // Each retry waits its turn before "no stream" (a lower bound: safe on a busy machine).
        jetStream.publishRetryAttempts = 2
        jetStream.publishRetryDelay = .milliseconds(600)
        var start = ContinuousClock.now
        await #expect(throws: JetStreamError.self) { try await jetStream.publish("nowhere.created") }
        #expect(ContinuousClock.now - start >= .milliseconds(1200), "two retries, 600 ms apart")
        jetStream.publishRetryAttempts = 0
        start = ContinuousClock.now
        await #expect(throws: JetStreamError.self) { try await jetStream.publish("nowhere.created") }
        #expect(ContinuousClock.now - start < .seconds(5), "no retries asked for: at once")
        await connection.close()
    }

    @Test func aFailedExpectationIsTheServersError() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        try await orders(jetStream)
        let stored = try await jetStream.publish("orders.created", expect: PublishExpectations(stream: "ORDERS", lastSequence: 0))
        #expect(stored.sequence == 1)
        let stale = await #expect(throws: JetStreamError.self) {
            try await jetStream.publish("orders.created", expect: PublishExpectations(lastSequence: 0))
        }
        #expect(stale?.code == .api && stale?.apiError?.code == 400 && stale?.apiError?.errorCode == JetStreamError.APIError.wrongLastSequence, "wrong last sequence")
        let wrongStream = await #expect(throws: JetStreamError.self) {
            try await jetStream.publish("orders.created", expect: PublishExpectations(stream: "INVOICES"))
        }
        #expect(wrongStream?.apiError?.errorCode == JetStreamError.APIError.wrongStream, "expected stream does not match")
        #expect(try await jetStream.streamInfo("ORDERS").state.messages == 1, "nothing refused was stored")
        await connection.close()
    }

    @Test func streamsAreCreatedReadUpdatedAndDeleted() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        var config = StreamConfig(name: "ORDERS", subjects: ["orders.created"])
        config.storage = .memory
        config.maxMessages = 100
        config.maxAge = .seconds(3600)
        config.duplicateWindow = .seconds(90)
        let created = try await jetStream.createStream(config)
        #expect(created.config == config, "the server keeps what was asked: \(created.config)")
        #expect(try await jetStream.streamInfo("ORDERS").config == config)

        var conflicting = config
        conflicting.subjects = ["other.>"]
        let inUse = await #expect(throws: JetStreamError.self) { try await jetStream.createStream(conflicting) }
        #expect(inUse?.apiError?.errorCode == JetStreamError.APIError.streamNameInUse)

        config.subjects = ["orders.created", "orders.paid"]
        config.maxMessages = 10
        #expect(try await jetStream.updateStream(config).config == config)
        #expect(try await jetStream.publish("orders.paid").stream == "ORDERS", "the added subject is stored")

        try await jetStream.deleteStream("ORDERS")
        let gone = await #expect(throws: JetStreamError.self) { try await jetStream.streamInfo("ORDERS") }
        #expect(gone?.isStreamNotFound == true && gone?.apiError?.code == 404)
        let deleteAgain = await #expect(throws: JetStreamError.self) { try await jetStream.deleteStream("ORDERS") }
        #expect(deleteAgain?.isStreamNotFound == true)
        await #expect(throws: NATSClientError.self, "a name is one token") { try await jetStream.streamInfo("A.B") }
        await connection.close()
    }

    @Test func anUpdateKeepsWhatStreamConfigDoesNotModel() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        // made by another tool, with fields this client does not model
        let raw = #"{"name":"KEEP","subjects":["keep.>"],"storage":"memory","max_msgs":100,"description":"made by hand","max_msgs_per_subject":5}"#
        _ = try await connection.request("$JS.API.STREAM.CREATE.KEEP", payload: ByteBuffer(string: raw))
        var config = try await jetStream.streamInfo("KEEP").config
        config.maxMessages = 50
        config.subjects = ["keep.>", "kept.>"]
        #expect(try await jetStream.updateStream(config).config == config)
        let info = try await connection.request("$JS.API.STREAM.INFO.KEEP", payload: ByteBuffer())
        let stored = try #require((try JSONSerialization.jsonObject(with: Data(info.payload.readableBytesView)) as? [String: Any])?["config"] as? [String: Any])
        #expect(stored["description"] as? String == "made by hand")
        #expect(stored["max_msgs_per_subject"] as? Int == 5)
        #expect(stored["max_msgs"] as? Int == 50 && stored["subjects"] as? [String] == ["keep.>", "kept.>"])
        let missing = await #expect(throws: JetStreamError.self) { try await jetStream.updateStream(StreamConfig(name: "NONE", subjects: ["none"])) }
        #expect(missing?.isStreamNotFound == true)
        await connection.close()
    }

    @Test func ensureStreamCreatesUpdatesOrLeavesAlone() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        var config = StreamConfig(name: "EVENTS", subjects: ["events.created"])
        let created = try await jetStream.ensureStream(config)
        var asStored = config
        asStored.duplicateWindow = .seconds(120)  // left to the server: its default
        #expect(created.config == asStored)
        _ = try await jetStream.publish("events.created")
        #expect(try await jetStream.ensureStream(config).state.messages == 1, "an equal stream is left alone")
        config.subjects = ["events.updated", "events.created"]
        let updated = try await jetStream.ensureStream(config)
        #expect(Set(updated.config.subjects) == ["events.created", "events.updated"] && updated.state.messages == 1)
        await connection.close()
    }

    /// A stream kept for less than the server's 2-minute duplicate window: the window is left to
    /// the server, which makes it as short as the stream's age limit (a longer one is refused).
    @Test func aStreamKeptForAMinuteGetsAWindowOfAMinute() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        var config = StreamConfig(name: "SHORT", subjects: ["short.>"])
        config.maxAge = .seconds(60)
        let created = try await jetStream.createStream(config)
        #expect(created.config.maxAge == .seconds(60) && created.config.duplicateWindow == .seconds(60), "\(created.config)")
        #expect(try await jetStream.ensureStream(config).config == created.config, "and ensuring it changes nothing")
        // A stream made with the server's 2-minute window, then kept for 30 s only: the window
        // left to the server follows.
        var longer = StreamConfig(name: "SHORTENED", subjects: ["shortened.>"])
        #expect(try await jetStream.createStream(longer).config.duplicateWindow == .seconds(120))
        longer.maxAge = .seconds(30)
        let shortened = try await jetStream.ensureStream(longer)
        #expect(shortened.config.maxAge == .seconds(30) && shortened.config.duplicateWindow == .seconds(30), "\(shortened.config)")
        await #expect(throws: JetStreamError.self, "a window past the age limit is the server's error") {
            try await jetStream.createStream(StreamConfig(name: "LONGER", subjects: ["longer.>"]).with(maxAge: .seconds(60), window: .seconds(120)))
        }
        await connection.close()
    }

    @Test func concurrentEnsuresOfOneStreamAllSucceed() async throws {
        // Services that publish to or consume from one stream all make sure of it as they start;
        // the server may answer the losers of a create race "subjects overlap" (10065) or "name in
        // use" (10058) instead of the stream.
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connections = try await withThrowingTaskGroup(of: NATSConnection.self) { group in
            for _ in 0..<8 { group.addTask { try await server.connect() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for round in 0..<50 {
            let config = StreamConfig(name: "RACE\(round)", subjects: ["race\(round).created", "race\(round).cancelled"])
            let subjects = try await withThrowingTaskGroup(of: Set<String>.self) { group in
                for connection in connections {
                    group.addTask { Set(try await connection.jetStream().ensureStream(config).config.subjects) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(subjects == Array(repeating: Set(config.subjects), count: connections.count))
        }
        for connection in connections { await connection.close() }
    }

    @Test func ensuringAStreamWhoseSubjectsAnotherHoldsIsTheServersError() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let connection = try await server.connect()
        let jetStream = connection.jetStream()
        try await jetStream.createStream(StreamConfig(name: "OTHER", subjects: ["x.created"]))
        let refused = await #expect(throws: JetStreamError.self) {
            try await jetStream.ensureStream(StreamConfig(name: "MINE", subjects: ["x.created"]))
        }
        #expect(refused?.apiError?.errorCode == JetStreamError.APIError.streamSubjectOverlap)
        await #expect(throws: JetStreamError.self) { try await jetStream.streamInfo("MINE") }
        await connection.close()
    }

    @Test func withoutJetStreamTheAPIIsNotThere() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let error = await #expect(throws: JetStreamError.self) { try await connection.jetStream().streamInfo("ORDERS") }
        #expect(error?.code == .notEnabled)
        await connection.close()
    }
}

extension StreamConfig {
    func with(maxAge: Duration, window: Duration) -> StreamConfig {
        var config = self
        config.maxAge = maxAge
        config.duplicateWindow = window
        return config
    }
}
