import Foundation
import NATSWire
import NIOCore
import Synchronization

/// Pulls messages from a durable consumer: each pull asks the server for a batch on a reply
/// inbox (`$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`); messages come as the server sends
/// them, until the batch is complete or the request expires. Replicas pulling from the same
/// durable consumer share its messages.
public struct PullConsumer: Sendable {
    public let jetStream: JetStream
    public let stream: String
    public let name: String

    /// The JSON of a pull request (durations in nanoseconds).
    struct Request: Encodable {
        var batch: Int
        var expires: Int64?
        var noWait: Bool?
        var idleHeartbeat: Int64?

        enum CodingKeys: String, CodingKey {
            case batch, expires
            case noWait = "no_wait"
            case idleHeartbeat = "idle_heartbeat"
        }
    }

    /// Up to `batch` messages: returns once `batch` came, or when the server says the request
    /// expired (after `expires`; the client gives up 2 s later if the server never says so); an
    /// empty array when nothing came.
    /// - Throws: `JetStreamError` `.consumerDeleted` (status 409 "Consumer Deleted", or a pull the
    ///   server left unanswered because the consumer or its stream is gone), `.pullRefused` for a
    ///   pull the consumer always refuses (a batch past its `max_batch`…), `.pullFailed` for a
    ///   409 that ends it for now (before any message), `.notEnabled` when nothing answers the
    ///   pull (503: no JetStream, or the server is starting); `NATSClientError` when the
    ///   connection is closed, `.permissionViolation` when the server refuses the pull's inbox.
    public func fetch(batch: Int, expires: Duration = .seconds(5)) async throws -> [JetStreamMessage] {
        var messages: [JetStreamMessage] = []
        do {
            try await pull(batch: batch, expires: expires) { messages.append($0) }
        } catch let error as JetStreamError where error.code == .pullFailed && !messages.isEmpty {
            // What came before the refusal is delivered and waits for its acknowledgement.
        }
        return messages
    }

    /// Sends one pull request and hands each message to `body` as it arrives, until `batch` came
    /// or the request expired (or the task is cancelled). Returns how many came.
    /// - Parameter idleHeartbeat: the server sends a heartbeat this often while it has nothing to
    ///   deliver (at most half of `expires`); two missed in a row end the pull early, as a pull
    ///   that a reconnect or a server restart lost does.
    /// - Throws: what `fetch` throws, and what `body` throws.
    @discardableResult
    public func pull(
        batch: Int, expires: Duration = .seconds(5), idleHeartbeat: Duration? = nil, _ body: (JetStreamMessage) async throws -> Void
    ) async throws -> Int {
        var pull = try await Pull.start(self, batch: batch, expires: expires, idleHeartbeat: idleHeartbeat)
        defer { pull.finish() }
        var count = 0
        while let message = try await pull.next() {
            count += 1
            try await body(message)
        }
        return count
    }

    /// Messages as they come, pulled in batches of `batch` (each request expiring after
    /// `expires`, then the next one goes out): an endless sequence that ends when the task is
    /// cancelled or the connection is closed. Losing the connection, a server that restarts
    /// (status 503) and pulls refused for now (`.pullFailed`) are waited out; a deleted consumer
    /// and pulls refused for good (`.pullRefused`) end it with their error. Requests
    /// of 2 s or more ask for idle heartbeats (`defaultHeartbeat`), so that a lost one is replaced
    /// within two heartbeats.
    public func messages(batch: Int = 64, expires: Duration = .seconds(30)) -> JetStreamMessages {
        JetStreamMessages(consumer: self, batch: batch, expires: expires)
    }
}

extension PullConsumer {
    /// Throws `.consumerDeleted` when the server says the consumer (or its stream) does not exist;
    /// returns otherwise, also when it cannot tell (the connection is down, JetStream restarting).
    func throwIfGone() async throws {
        do {
            _ = try await jetStream.consumerInfo(stream: stream, name: name)
        } catch let error as JetStreamError where error.isConsumerNotFound || error.isStreamNotFound {
            throw JetStreamError(.consumerDeleted, "consumer \(name) of stream \(stream) does not exist: \(error.message)", apiError: error.apiError)
        } catch {
            return
        }
    }

    /// The idle heartbeat of a pull that expires after `expires`: half of it, at most 5 s; none
    /// under 2 s (such a pull ends soon anyway).
    public static func defaultHeartbeat(expires: Duration) -> Duration? {
        expires < .seconds(2) ? nil : min(expires / 2, .seconds(5))
    }
}

/// One pull request in flight: its inbox subscription and what is left of its batch.
struct Pull {
    let consumer: PullConsumer
    let subscription: NATSSubscription
    var messages: NATSSubscription.Iterator
    var remaining: Int
    /// Ends the subscription at the deadline, or when heartbeats stop.
    let watchdog: Task<Void, Never>
    let lastHeard: LastHeard

    /// When the reader last took something the server sent on the inbox, and whether the pull
    /// ended with the server silent (past its deadline, or two heartbeats missed).
    final class LastHeard: Sendable {
        let instant = Mutex(ContinuousClock.now)
        let serverWentSilent = Mutex(false)
    }

    /// Subscribes to a new inbox, then sends the request with it as the reply subject.
    static func start(_ consumer: PullConsumer, batch: Int, expires: Duration, idleHeartbeat: Duration? = nil) async throws -> Pull {
        guard batch > 0 else { throw NATSClientError(.invalidArgument, "a pull asks for 1 message or more, not \(batch)") }
        guard expires >= .milliseconds(1) else { throw NATSClientError(.invalidArgument, "a pull request expires after 1 ms or more") }
        if let idleHeartbeat, idleHeartbeat <= .zero || idleHeartbeat > expires / 2 {
            throw NATSClientError(.invalidArgument, "an idle heartbeat is positive and at most half of the expiry")
        }
        try JetStream.checkName(consumer.stream, "stream")
        try JetStream.checkName(consumer.name, "consumer")
        let connection = consumer.jetStream.connection
        let inbox = connection.newInbox()
        let subscription = try await connection.subscribe(inbox, pendingLimits: .unlimited)
        let request = PullConsumer.Request(
            batch: batch, expires: expires.nanosecondsForJetStream, idleHeartbeat: idleHeartbeat?.nanosecondsForJetStream)
        let body = try JSONEncoder().encode(request)
        do {
            let subject = consumer.jetStream.apiSubject("CONSUMER.MSG.NEXT.\(consumer.stream).\(consumer.name)")
            try connection.publish(subject, payload: ByteBuffer(bytes: body), replyTo: inbox)
        } catch {
            subscription.unsubscribe()
            throw error
        }
        // The server answers at `expires` at the latest; the margin covers a slow server or a lost
        // reply. With heartbeats, two missed ones say the request is gone (a reconnect, a restart).
        let lastHeard = LastHeard()
        let watchdog = Task {
            let deadline = ContinuousClock.now + expires + .seconds(2)
            while !Task.isCancelled {
                let left = deadline - .now
                try? await Task.sleep(for: left > .zero ? min(idleHeartbeat ?? left, left) : idleHeartbeat ?? .seconds(1))
                if Task.isCancelled { return }
                // What the reader has not taken yet says all there is to say (a status ends the pull).
                if subscription.pending.messages > 0 { continue }
                if ContinuousClock.now >= deadline { break }
                // Silent for two heartbeats: nothing read since, nothing waiting to be read.
                if let idleHeartbeat, ContinuousClock.now - lastHeard.instant.withLock({ $0 }) > idleHeartbeat * 2 { break }
            }
            if !Task.isCancelled { lastHeard.serverWentSilent.withLock { $0 = true } }
            subscription.unsubscribe()
        }
        return Pull(
            consumer: consumer, subscription: subscription, messages: subscription.makeAsyncIterator(), remaining: batch,
            watchdog: watchdog, lastHeard: lastHeard)
    }

    /// The next message of this request; nil once it is over (batch complete, expired, deadline
    /// passed, task cancelled).
    mutating func next() async throws -> JetStreamMessage? {
        while remaining > 0, let message = await messages.next() {
            lastHeard.instant.withLock { $0 = .now }
            switch PullStatus(message.headers) {
            case .message:
                remaining -= 1
                return try JetStreamMessage(message, connection: consumer.jetStream.connection)
            case .heartbeat:
                continue
            case .done:
                remaining = 0
            case .consumerDeleted:
                remaining = 0
                throw JetStreamError(.consumerDeleted, "consumer \(consumer.name) of stream \(consumer.stream) was deleted")
            case .noResponders:
                remaining = 0
                // nats-server 2.11 answers a pull of a consumer that is gone with 503 too.
                try await consumer.throwIfGone()
                throw JetStreamError(
                    .notEnabled, "nothing answers pulls from \(consumer.stream) > \(consumer.name): is JetStream enabled, the server starting?")
            case .failed(let status, let description):
                remaining = 0
                throw JetStreamError(.pullFailed, "pull from \(consumer.stream) > \(consumer.name): \(status) \(description)")
            case .refused(let status, let description):
                remaining = 0
                throw JetStreamError(.pullRefused, "pull from \(consumer.stream) > \(consumer.name): \(status) \(description)")
            }
        }
        // Ended by the server refusing the inbox (permissions): that, not "no messages".
        if remaining > 0, let error = subscription.error {
            remaining = 0
            throw error
        }
        // The server never said the request was over: lost to a reconnect or a restart, or sent
        // to a consumer that is gone (nats-server 2.9 does not answer those at all).
        if remaining > 0, lastHeard.serverWentSilent.withLock({ $0 }) {
            remaining = 0
            try await consumer.throwIfGone()
        }
        return nil
    }

    func finish() {
        watchdog.cancel()
        subscription.unsubscribe()
    }
}

/// What a message on a pull request's inbox is (ADR-13 status codes).
enum PullStatus: Equatable {
    /// 409 descriptions about the request itself or the consumer's kind, not the moment.
    static let refusals = ["consumer is push based", "exceeded maxrequestbatch", "exceeded maxrequestexpires", "exceeded maxrequestmaxbytes"]

    case message
    /// 100: idle heartbeat or flow control.
    case heartbeat
    /// 404 no messages, 408 request expired: the request is over.
    case done
    case consumerDeleted
    /// 503: nothing answers the JetStream API (not enabled, or the server is starting).
    case noResponders
    /// The pull is over for now; another may go through.
    case failed(Int, String)
    /// Every pull like it would get the same answer.
    case refused(Int, String)

    init(_ headers: NATSHeaders?) {
        guard let status = headers?.status else {
            self = .message
            return
        }
        let description = headers?.statusDescription ?? ""
        switch status {
        case 100: self = .heartbeat
        case 404, 408: self = .done
        case 503: self = .noResponders
        case 409 where description.lowercased().contains("consumer deleted"): self = .consumerDeleted
        case 400: self = .refused(status, description)
        case 409 where Self.refusals.contains(where: description.lowercased().contains): self = .refused(status, description)
        default: self = .failed(status, description)
        }
    }
}

/// A pull consumer's messages, each as soon as it comes (see `PullConsumer.messages`).
public struct JetStreamMessages: AsyncSequence, Sendable {
    public typealias Element = JetStreamMessage
    let consumer: PullConsumer
    let batch: Int
    let expires: Duration

    public func makeAsyncIterator() -> Iterator { Iterator(consumer: consumer, batch: batch, expires: expires) }

    public struct Iterator: AsyncIteratorProtocol {
        static func isTransient(_ error: any Error) -> Bool {
            switch error {
            case let error as NATSClientError: [.disconnected, .reconnectBufferFull, .timeout].contains(error.code)
            case let error as JetStreamError: error.code == .notEnabled || error.code == .pullFailed
            default: false
            }
        }

        let consumer: PullConsumer
        let batch: Int
        let expires: Duration
        var current: Pull?

        /// The next message; nil once the task is cancelled or the connection closed.
        /// - Throws: `JetStreamError` `.consumerDeleted`, `.pullRefused`; `NATSClientError`
        ///   `.invalidArgument`, `.permissionViolation` (the pull's inbox refused).
        public mutating func next() async throws -> JetStreamMessage? {
            while !Task.isCancelled {
                do {
                    if current == nil {
                        current = try await Pull.start(
                            consumer, batch: batch, expires: expires, idleHeartbeat: PullConsumer.defaultHeartbeat(expires: expires))
                    }
                    if let message = try await current?.next() { return message }
                    current?.finish()
                    current = nil
                } catch let error as NATSClientError where error.code == .connectionClosed || error.code == .cancelled {
                    current?.finish()
                    current = nil
                    return nil
                } catch where Self.isTransient(error) {
                    // A reconnect, a restart, a pull refused for now: try again a little later.
                    current?.finish()
                    current = nil
                    try? await Task.sleep(for: .milliseconds(250))
                } catch {
                    current?.finish()
                    current = nil
                    throw error
                }
            }
            current?.finish()
            current = nil
            return nil
        }
    }
}
