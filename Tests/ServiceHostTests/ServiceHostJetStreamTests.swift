import Foundation
import GeneratedSchemas
import MessagingRuntime
import NATSClient
import NATSWire
import NIOCore
import ServiceHost
import Synchronization
import TestSupport
import Testing

/// Events of `stream:` subjects: JetStream publishes, durable pull consumers, streams made at start.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServiceHostJetStreamTests {
    static let durable = "mailer_auth_userRegistered"

    func profile(_ email: String) -> Auth.UserProfile {
        Auth.UserProfile(id: UUID(), email: email, role: .user, createdAt: .now)
    }

    /// A `mailer` host whose handler passes each registered e-mail address on.
    func mailer(
        _ server: NATSServer, options: ServiceHostOptions = ServiceHostOptions(),
        handler: @escaping @Sendable (Auth.UserProfile) throws -> Void
    ) async throws -> ServiceHost {
        let host = ServiceHost(name: "mailer", nats: try await connect(server), options: options)
        host.consume(Auth.Subjects.userRegistered) { profile, _ in try handler(profile) }
        return host
    }

    /// The consumer's state once `condition` holds (bounded: the suite's time limit).
    func consumer(_ jetStream: JetStream, until condition: (ConsumerInfo) -> Bool) async throws -> ConsumerInfo {
        while true {
            let info = try await jetStream.consumerInfo(stream: "AUTH", name: Self.durable)
            if condition(info) { return info }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func anEventPublishedWhileTheConsumerIsDownIsDeliveredWhenItStarts() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let publisher = ServiceHost(name: "auth", nats: try await connect(server))
        Auth.serve(MemoryAuth(replica: "a"), with: publisher)
        let publishing = RunningHosts([publisher])
        try await ServiceHostTests.waitUntilServing(publisher.nats, subject: "$SRV.PING.auth")
        let jetStream = publisher.nats.jetStream()
        let stream = try await jetStream.streamInfo("AUTH")
        #expect(stream.config.subjects == ["auth.user.registered"], "the host made the stream of the events it publishes")

        let (seen, delivered) = AsyncStream<String>.makeStream()
        var deliveries = seen.makeAsyncIterator()
        let first = try await mailer(server) { delivered.yield($0.email) }
        var running = RunningHosts([first])
        try await publisher.publish(Auth.Subjects.userRegistered, profile("before@example.com"))
        #expect(await deliveries.next() == "before@example.com")
        _ = try await consumer(jetStream) { $0.ackFloor.streamSequence == 1 }
        try await running.stop()
        await first.nats.close()

        // Nobody consumes now: the stream keeps the event for the durable consumer.
        try await publisher.publish(Auth.Subjects.userRegistered, profile("while-down@example.com"))
        #expect(try await jetStream.consumerInfo(stream: "AUTH", name: Self.durable).pending == 1)

        let second = try await mailer(server) { delivered.yield($0.email) }
        running = RunningHosts([second])
        #expect(await deliveries.next() == "while-down@example.com", "delivered once the service is back, the first not again")
        let info = try await consumer(jetStream) { $0.ackFloor.streamSequence == 2 }
        #expect(info.ackPending == 0 && info.redelivered == 0)
        try await running.stop()
        await second.nats.close()
        try await publishing.stop()
        await publisher.nats.close()
    }

    /// The consumer, then its whole stream, deleted under a running consumer host while it has no
    /// pull waiting (its one handler busy: an operator's `nats consumer rm`, say). nats-server 2.9
    /// never answers a pull of a consumer that is gone; the host finds out, makes the consumer
    /// (and the stream) again, and goes on with new events.
    @Test func aConsumerOrStreamDeletedWhileNoPullWaitsIsMadeAgain() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let publisher = ServiceHost(name: "auth", nats: try await connect(server))
        let (seen, deliver) = AsyncStream<String>.makeStream()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let heldOnce = Mutex<Set<String>>([])
        var options = ServiceHostOptions()
        options.maxInFlightPerEndpoint = 1
        options.eventPullExpiry = .seconds(2)  // heartbeats every second: a silent server shows in 2
        let host = ServiceHost(name: "mailer", nats: try await connect(server), options: options)
        host.consume(Auth.Subjects.userRegistered) { profile, _ in
            deliver.yield(profile.email)
            // The first delivery of a "hold" event keeps the only handler busy until the gate opens.
            if profile.email.hasPrefix("hold"), heldOnce.withLock({ $0.insert(profile.email).inserted }) {
                for await _ in gate { break }
            }
        }
        let running = RunningHosts([host])
        let jetStream = publisher.nats.jetStream()
        var deliveries = seen.makeAsyncIterator()
        func delivered(_ email: String) async -> Bool {
            while let next = await deliveries.next() { if next == email { return true } }
            return false
        }
        func madeAgain() async throws {
            while true {
                do {
                    _ = try await jetStream.consumerInfo(stream: "AUTH", name: Self.durable)
                    return
                } catch let error as JetStreamError where error.isConsumerNotFound || error.isStreamNotFound {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }

        for (held, removal) in [("hold-1@example.com", "consumer"), ("hold-2@example.com", "stream")] {
            try await publisher.publish(Auth.Subjects.userRegistered, profile(held))
            #expect(await delivered(held), "busy with \(held)")
            if removal == "consumer" {
                try await jetStream.deleteConsumer(stream: "AUTH", name: Self.durable)
            } else {
                try await jetStream.deleteStream("AUTH")
            }
            open.yield()
            try await madeAgain()
            let next = "after-\(removal)@example.com"
            try await publisher.publish(Auth.Subjects.userRegistered, profile(next))
            #expect(await delivered(next), "consumed after the \(removal) was made again")
        }
        try await running.stop()
        await host.nats.close()
        await publisher.nats.close()
    }

    /// A consumer made elsewhere with a smaller pull limit than the host's room (`max_batch` 1):
    /// the host's first pull is refused, then it pulls within the limit and handles every event.
    @Test func aConsumerMadeWithSmallerPullLimitsIsPulledWithinThem() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let publisher = ServiceHost(name: "auth", nats: try await connect(server))
        let jetStream = publisher.nats.jetStream()
        try await jetStream.createStream(StreamConfig(name: "AUTH", subjects: ["auth.user.registered"]))
        var limited = ConsumerConfig(durableName: Self.durable, filterSubject: "auth.user.registered")
        limited.maxRequestBatch = 1
        try await jetStream.createConsumer(stream: "AUTH", limited)
        let (seen, delivered) = AsyncStream<String>.makeStream()
        let host = try await mailer(server) { delivered.yield($0.email) }
        let running = RunningHosts([host])
        for index in 0..<3 { try await publisher.publish(Auth.Subjects.userRegistered, profile("limited-\(index)@example.com")) }
        var deliveries = seen.makeAsyncIterator()
        var emails: Set<String> = []
        while emails.count < 3, let email = await deliveries.next() { emails.insert(email) }
        #expect(emails == ["limited-0@example.com", "limited-1@example.com", "limited-2@example.com"])
        #expect(try await jetStream.consumerInfo(stream: "AUTH", name: Self.durable).config.maxRequestBatch == 1, "left as it was made")
        try await running.stop()
        await host.nats.close()
        await publisher.nats.close()
    }

    @Test func aPublishIsStoredOncePerMessageAndMakesAMissingStream() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let publisher = ServiceHost(name: "auth", nats: try await connect(server))  // never run: no stream yet
        let origin = HandlerContext.test()
        try await publisher.publish(Auth.Subjects.userRegistered, profile("a@example.com"), causedBy: origin)
        let jetStream = publisher.nats.jetStream()
        #expect(try await jetStream.streamInfo("AUTH").state.messages == 1)
        // The stored message is the envelope, its message id the JetStream dedupe id.
        try await jetStream.createConsumer(stream: "AUTH", ConsumerConfig(durableName: "check"))
        let message = try #require(try await jetStream.pullConsumer(stream: "AUTH", name: "check").fetch(batch: 1).first)
        let envelope = try Envelope<Auth.UserProfile>(validatingJSON: Array(message.payload.readableBytesView))
        #expect(envelope.correlationId == origin.correlationId && envelope.payload.email == "a@example.com")
        let again = try await jetStream.publish("auth.user.registered", payload: message.payload, messageID: envelope.messageId)
        #expect(again.duplicate && again.sequence == 1)
        await publisher.nats.close()
    }

    @Test func aFailingHandlerGetsTheEventAgainAndAnInvalidOneIsDropped() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        var options = ServiceHostOptions()
        options.eventRetryDelay = .milliseconds(50)
        let (seen, delivered) = AsyncStream<String>.makeStream()
        var deliveries = seen.makeAsyncIterator()
        let attempts = Mutex<[String: Int]>([:])
        let host = try await mailer(server, options: options) { profile in
            let attempt = attempts.withLock { counts in
                counts[profile.email, default: 0] += 1
                return counts[profile.email]!
            }
            delivered.yield("\(profile.email)#\(attempt)")
            if profile.email.hasPrefix("flaky"), attempt == 1 { throw CocoaError(.fileReadUnknown) }
        }
        let running = RunningHosts([host])
        let publisher = ServiceHost(name: "auth", nats: try await connect(server))
        try await publisher.publish(Auth.Subjects.userRegistered, profile("flaky@example.com"))
        #expect(await deliveries.next() == "flaky@example.com#1")
        #expect(await deliveries.next() == "flaky@example.com#2", "delivered again after the handler threw")

        _ = try await publisher.nats.jetStream().publish("auth.user.registered", payload: ByteBuffer(string: #"{"not":"an envelope"}"#))
        try await publisher.publish(Auth.Subjects.userRegistered, profile("after@example.com"))
        #expect(await deliveries.next() == "after@example.com#1", "the invalid event never reached the handler")
        let info = try await consumer(publisher.nats.jetStream()) { $0.ackFloor.streamSequence == 3 }
        #expect(info.ackPending == 0 && info.delivered.streamSequence == 3, "the invalid one was terminated, not left pending")
        let statistics = try #require(host.statistics().first)
        #expect(statistics.requests == 4 && statistics.errors == 2 && statistics.queueGroup == Self.durable)
        try await running.stop()
        await host.nats.close()
        await publisher.nats.close()
    }

    @Test func anEventInItsHandlerAtShutdownIsAcknowledgedWhenItFinishes() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (entered, entering) = AsyncStream<Void>.makeStream()
        let (release, releasing) = AsyncStream<Void>.makeStream()
        let host = ServiceHost(name: "mailer", nats: try await connect(server))
        host.consume(Auth.Subjects.userRegistered) { _, _ in
            entering.yield()
            for await _ in release { break }
        }
        let running = RunningHosts([host])
        let publisher = ServiceHost(name: "auth", nats: try await connect(server))
        try await publisher.publish(Auth.Subjects.userRegistered, profile("slow@example.com"))
        var handlers = entered.makeAsyncIterator()
        await handlers.next()
        let stopping = Task { try await running.stop() }
        // The host stops pulling (its pull inbox goes) while the handler still runs.
        while await host.nats.statistics().subscriptions.contains(where: { $0.subject.hasPrefix("_INBOX.") }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        releasing.yield()
        try await stopping.value
        let info = try await publisher.nats.jetStream().consumerInfo(stream: "AUTH", name: Self.durable)
        #expect(info.ackFloor.streamSequence == 1 && info.ackPending == 0, "acknowledged before the host stopped")
        await host.nats.close()
        await publisher.nats.close()
    }

    @Test func aConsumingHostGoesOnAfterTheServerRestarts() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let (seen, delivered) = AsyncStream<String>.makeStream()
        var deliveries = seen.makeAsyncIterator()
        let host = try await mailer(server) { delivered.yield($0.email) }
        let running = RunningHosts([host])
        let publisher = ServiceHost(name: "auth", nats: try await connect(server))
        try await publisher.publish(Auth.Subjects.userRegistered, profile("before@example.com"))
        #expect(await deliveries.next() == "before@example.com")

        var events = publisher.nats.events.makeAsyncIterator()
        server.stop()
        try server.start()
        while let event = await events.next() {
            if case .reconnected = event { break }
        }
        // Publish (again, bounded) until JetStream is back and acknowledges.
        var published = false
        for _ in 0..<100 where !published {
            published = (try? await publisher.publish(Auth.Subjects.userRegistered, profile("after@example.com"))) != nil
            if !published { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(await deliveries.next() == "after@example.com", "the host pulls again once the server is back")
        try await running.stop()
        await host.nats.close()
        await publisher.nats.close()
    }

    /// SIGTERM while nats-server is gone: the hosts (a request endpoint and a stream consumer)
    /// still stop, promptly, instead of waiting for a server that is not there.
    @Test func hostsStopWhileTheServerIsGone() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let auth = ServiceHost(name: "auth", nats: try await connect(server))
        Auth.serve(MemoryAuth(replica: "a"), with: auth)
        let host = try await mailer(server) { _ in }
        let running = RunningHosts([auth, host])
        let client = try await connect(server)
        try await ServiceHostTests.waitUntilServing(client, subject: "$SRV.PING.auth")
        try await ServiceHostTests.waitUntilServing(client, subject: "$SRV.PING.mailer")
        var events = host.nats.events.makeAsyncIterator()
        server.stop()
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        let stopping = ContinuousClock.now
        try await running.stop()
        #expect(ContinuousClock.now - stopping < .seconds(5), "stopped without the server")
        await client.close()
        await auth.nats.close()
        await host.nats.close()
    }

    @Test func hostsStartingTogetherLeaveTheirStreamWithEverySubject() async throws {
        // Three services start at once, each making sure of BOOKINGS with its own subjects: they
        // race to create it and to add subjects, and none may lose another's.
        for _ in 0..<3 {
            let server = try NATSServer(jetStream: true)
            defer { server.stop() }
            var hosts: [ServiceHost] = []
            for (index, subjects) in [[0], [1], [0, 1]].enumerated() {
                let host = ServiceHost(name: "publisher\(index)", nats: try await connect(server))
                if subjects.contains(0) { host.publishes(Bookings.Subjects.bookingCreated) }
                if subjects.contains(1) { host.publishes(Bookings.Subjects.bookingCancelled) }
                hosts.append(host)
            }
            let running = RunningHosts(hosts)
            let client = try await connect(server)
            for host in hosts { try await ServiceHostTests.waitUntilServing(client, subject: "$SRV.PING.\(host.name)") }
            let info = try await client.jetStream().streamInfo("BOOKINGS")
            #expect(Set(info.config.subjects) == ["bookings.created", "bookings.cancelled"])
            try await running.stop()
            await client.close()
            for host in hosts { await host.nats.close() }
        }
    }

    @Test func aStreamWhoseSubjectsAnotherStreamHoldsIsAClearError() async throws {
        let server = try NATSServer(jetStream: true)
        defer { server.stop() }
        let client = try await connect(server)
        try await client.jetStream().createStream(StreamConfig(name: "OTHER", subjects: ["auth.user.registered"]))
        let host = ServiceHost(name: "auth", nats: try await connect(server))
        Auth.serve(MemoryAuth(replica: "a"), with: host)
        let refused = await #expect(throws: JetStreamError.self) { try await host.run() }
        #expect(refused?.apiError?.errorCode == JetStreamError.APIError.streamSubjectOverlap, "\(String(describing: refused))")
        await client.close()
        await host.nats.close()
    }

    @Test func withoutJetStreamAStreamHostSaysSo() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let host = ServiceHost(name: "auth", nats: try await connect(server))
        Auth.serve(MemoryAuth(replica: "a"), with: host)
        let notStarted = await #expect(throws: JetStreamError.self) { try await host.run() }
        #expect(notStarted?.code == .notEnabled)
        let notPublished = await #expect(throws: JetStreamError.self) {
            try await host.publish(Auth.Subjects.userRegistered, profile("a@example.com"))
        }
        #expect(notPublished?.code == .notEnabled)
        await host.nats.close()
    }
}
