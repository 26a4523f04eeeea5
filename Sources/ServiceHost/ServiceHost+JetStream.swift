import Logging
import MessagingRuntime
import NATSClient
import NIOCore

/// The events of `stream:` subjects: published through JetStream (acknowledged, deduplicated by
/// message id), consumed from durable pull consumers, the streams made at start.
extension ServiceHost {
    /// Declares that this host publishes `subject`: `run` makes sure its stream exists (and
    /// stores the subject) before serving. Events without a stream need no declaration.
    public func publishes<Event>(_ subject: EventSubject<Event>) {
        if let stream = subject.stream { stores(subject.subscription, in: stream) }
    }

    func stores(_ subject: String, in stream: String) {
        streamSubjects.withLock { _ = $0[stream, default: []].insert(subject) }
    }

    /// The durable consumer name of a group consuming a subject: `mailer_auth_userRegistered`
    /// (a consumer name is one subject token).
    static func durableName(group: String, subject: String) -> String {
        let name = "\(group)_\(subject)"
        return String(name.map { $0 == "." || $0 == "*" || $0 == ">" || $0.isWhitespace ? "_" : $0 })
    }

    /// Makes every stream the host publishes to or consumes from, or adds the subjects it lacks
    /// (a stream's subjects only grow: other services may publish other subjects to it).
    func ensureStreams() async throws {
        let wanted = streamSubjects.withLock { $0 }
        for (stream, subjects) in wanted.sorted(by: { $0.key < $1.key }) {
            try await ensureStream(stream, subjects: subjects)
        }
    }

    func ensureStream(_ stream: String, subjects: Set<String>) async throws {
        let jetStream = self.jetStream
        // Other hosts may create or update the stream meanwhile (services start together): read,
        // write, and read again until the stream has every subject, a few times at most.
        let attempts = 4
        for attempt in 1...attempts {
            do {
                let info = try await jetStream.streamInfo(stream)
                let missing = subjects.subtracting(info.config.subjects)
                guard !missing.isEmpty else { return }
                guard attempt < attempts else { break }
                var config = info.config
                config.subjects += missing.sorted()
                // Another host's update in between would drop these; the next read tells.
                try await jetStream.updateStream(config)
                logger.info("stream subjects added", metadata: ["stream": "\(stream)", "subjects": "\(missing.sorted())"])
            } catch let error as JetStreamError where error.isStreamNotFound {
                do {
                    try await jetStream.createStream(StreamConfig(name: stream, subjects: subjects.sorted()))
                    logger.info("stream created", metadata: ["stream": "\(stream)", "subjects": "\(subjects.sorted())"])
                    return
                } catch let error as JetStreamError where error.mayBeLostCreateRace && attempt < attempts {
                    continue  // created meanwhile, or the subjects are another stream's: reading tells
                }
            }
        }
        throw JetStreamError(.api, "stream \(stream) still lacks some of \(subjects.sorted()) after \(attempts) tries: other hosts keep changing it")
    }

    /// Publishes on a stream subject and waits for the stream's acknowledgement; a stream that
    /// is not there (deleted, or never made because this host did not run) is made, once.
    func publish(_ payload: ByteBuffer, on subject: String, pattern: String, stream: String, messageID: String) async throws {
        let expectation = PublishExpectations(stream: stream)
        do {
            // The first try does not wait out the publish's retries: when no stream answers, this
            // host makes it at once.
            var firstTry = jetStream
            firstTry.publishRetryAttempts = 0
            _ = try await firstTry.publish(subject, payload: payload, messageID: messageID, expect: expectation)
        } catch let error as JetStreamError where error.code == .noStream {
            stores(pattern, in: stream)
            let subjects = streamSubjects.withLock { $0[stream] ?? [pattern] }
            var jetStreamAbsent: JetStreamError?
            do {
                try await ensureStream(stream, subjects: subjects)
            } catch let error as JetStreamError where error.code == .notEnabled {
                // Not listening yet (a server starting), or not there: the publish's retries tell.
                jetStreamAbsent = error
            }
            // A stream made a moment ago (here, or by another host) may not take messages yet:
            // the publish's retries (`publishRetryAttempts`) wait that out too.
            do {
                _ = try await jetStream.publish(subject, payload: payload, messageID: messageID, expect: expectation)
            } catch let error as JetStreamError where error.code == .noStream {
                throw jetStreamAbsent ?? error
            }
        }
    }

    /// The durable pull consumer of a stream endpoint, created when missing. One that exists with
    /// another configuration (changed options) is used as it is.
    func ensureConsumer(_ binding: StreamBinding) async throws -> PullConsumer {
        var config = ConsumerConfig(durableName: binding.durable, filterSubject: binding.filter)
        config.ackWait = options.eventAckWait
        config.maxDeliver = options.eventMaxDeliveries
        config.maxAckPending = max(options.maxInFlightPerEndpoint, 1) * 4
        do {
            try await jetStream.createConsumer(stream: binding.stream, config)
        } catch let error as JetStreamError where error.code == .api && !error.isStreamNotFound {
            // Exists, configured otherwise: keep it (info fails, and says why, when it does not exist).
            let existing = try await jetStream.consumerInfo(stream: binding.stream, name: binding.durable)
            logger.warning(
                "using the existing consumer as it is configured", metadata: ["consumer": "\(existing.name)", "error": "\(error)"])
        }
        return jetStream.pullConsumer(stream: binding.stream, name: binding.durable)
    }

    /// Makes a consumer that was deleted again, and its stream first when that went too. The new
    /// consumer starts at the stream's first event, so handlers may see events again (at least
    /// once, as after any redelivery); a stream that went took its events with it.
    private func restore(_ binding: StreamBinding) async {
        do {
            let subjects = streamSubjects.withLock { $0[binding.stream] ?? [] }
            try await ensureStream(binding.stream, subjects: subjects)
            _ = try await ensureConsumer(binding)
            logger.warning("consumer made again", metadata: ["stream": "\(binding.stream)", "consumer": "\(binding.durable)"])
        } catch {
            logger.error("could not make the consumer again", metadata: ["consumer": "\(binding.durable)", "error": "\(error)"])
        }
    }

    /// Handles the events of a stream endpoint, at most `maxInFlightPerEndpoint` at once: a task
    /// pulls as many as there is room for, each is acknowledged when handled. Ends after shutdown
    /// (`stopPulling`) once the events pulled so far are handled.
    func serve(_ endpoint: Endpoint, pullingFrom consumer: PullConsumer) async {
        let (pulled, delivery) = AsyncStream<JetStreamMessage>.makeStream()
        let inFlight = InFlight()
        let puller = Task { await self.pull(for: endpoint, from: consumer, into: delivery, inFlight: inFlight) }
        let stopped = pullers.withLock { pullers in
            pullers.tasks.append(puller)
            return pullers.stopped
        }
        if stopped { puller.cancel() }
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                for await message in pulled {
                    group.addTask {
                        await self.settle(message, outcome: await self.process(message.message, with: endpoint))
                        inFlight.done()
                    }
                }
                await finish(endpoint, inFlight, &group)
            }
        } onCancel: {
            puller.cancel()
        }
    }

    /// Pulls while there is room, until cancelled; connection and server trouble is waited out.
    private func pull(
        for endpoint: Endpoint, from consumer: PullConsumer, into delivery: AsyncStream<JetStreamMessage>.Continuation,
        inFlight: InFlight
    ) async {
        defer { delivery.finish() }
        // The pull limits of a consumer made elsewhere, once one of its pulls was refused.
        var limits: (batch: Int?, expires: Duration?) = (nil, nil)
        // Refusals in a row that new limits did not explain: waited out longer and longer (a push
        // consumer of this name, say, refuses every pull until someone deletes it).
        var refusedInARow = 0
        while !Task.isCancelled {
            await inFlight.waitForRoom(below: options.maxInFlightPerEndpoint)
            let free = options.maxInFlightPerEndpoint - inFlight.count
            do {
                // Each event goes to its handler as it comes; the batch is what there is room for.
                let batch = min(free, limits.batch ?? .max)
                let expires = min(options.eventPullExpiry, limits.expires ?? options.eventPullExpiry)
                try await consumer.pull(batch: batch, expires: expires, idleHeartbeat: PullConsumer.defaultHeartbeat(expires: expires)) {
                    message in
                    inFlight.take()
                    delivery.yield(message)
                }
                refusedInARow = 0
            } catch let error as NATSClientError where error.code == .connectionClosed {
                return
            } catch {
                if Task.isCancelled { return }
                // A pull the server ended for now (409 "Server Shutdown" in a broker restart, "Leadership
                // Change") is part of running, not a failure: the next pull goes through.
                let transient = (error as? JetStreamError)?.code == .pullFailed
                logger.log(
                    level: transient ? .warning : .error, transient ? "pull interrupted, pulling again" : "pulling events failed",
                    metadata: ["consumer": "\(consumer.name)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { return }
                guard let error = error as? JetStreamError else { continue }
                if error.code == .consumerDeleted, let binding = endpoint.stream {
                    await restore(binding)
                } else if error.code == .pullRefused {
                    // Made elsewhere with smaller pull limits (ensureConsumer keeps it as it is): pull within them.
                    let config = try? await consumer.jetStream.consumerInfo(stream: consumer.stream, name: consumer.name).config
                    let found = (config?.maxRequestBatch, config?.maxRequestExpires.map { max($0 - .milliseconds(100), .milliseconds(1)) })
                    if found.0 != limits.batch || found.1 != limits.expires {
                        limits = found
                        refusedInARow = 0
                    } else {
                        refusedInARow += 1
                        try? await Task.sleep(for: .seconds(min(1 << min(refusedInARow, 5), 30)))
                    }
                }
            }
        }
    }

    /// Acknowledges a handled event; one whose handler threw comes again after
    /// `eventRetryDelay`; an invalid one never again.
    private func settle(_ message: JetStreamMessage, outcome: Outcome) async {
        do {
            if outcome.error == nil {
                try message.ack()
            } else if outcome.isInvalidInput {
                try message.term()
            } else {
                try message.nak(delay: options.eventRetryDelay)
            }
        } catch {
            logger.warning(
                "could not acknowledge an event", metadata: ["subject": "\(message.subject)", "error": "\(error)"])
        }
    }

    /// Stops every pull at once; handlers in flight finish.
    func stopPulling() {
        let tasks = pullers.withLock { pullers in
            pullers.stopped = true
            return pullers.tasks
        }
        for task in tasks { task.cancel() }
    }
}
