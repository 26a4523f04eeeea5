import Foundation
import NATSWire
import NIOCore

/// Pulls messages from a durable consumer: each `fetch` asks the server for a batch on a reply
/// inbox (`$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`) and returns what came before the batch
/// was full or the request expired. Replicas pulling from the same durable consumer share its messages.
public struct PullConsumer: Sendable {
    public let jetStream: JetStream
    public let stream: String
    public let name: String

    /// The JSON of a pull request (durations in nanoseconds).
    struct Request: Encodable {
        var batch: Int
        var expires: Int64?
        var noWait: Bool?

        enum CodingKeys: String, CodingKey {
            case batch, expires
            case noWait = "no_wait"
        }
    }

    /// Up to `batch` messages: returns once `batch` came, or when the server says the request
    /// expired (after `expires`) or that nothing is there; an empty array when nothing came.
    /// - Throws: `JetStreamError` `.consumerDeleted` (status 409 "Consumer Deleted"), `.pullFailed`
    ///   for another 409 with nothing delivered, `NATSClientError` when the connection is closed.
    public func fetch(batch: Int, expires: Duration = .seconds(5)) async throws -> [JetStreamMessage] {
        guard batch > 0 else { throw NATSClientError(.invalidArgument, "a fetch asks for 1 message or more, not \(batch)") }
        guard expires >= .milliseconds(1) else { throw NATSClientError(.invalidArgument, "a pull request expires after 1 ms or more") }
        let connection = jetStream.connection
        var nuid = NUID()
        let inbox = "_INBOX.\(nuid.next())"
        let subscription = try await connection.subscribe(inbox, pendingLimits: .unlimited)
        let body = try JSONEncoder().encode(Request(batch: batch, expires: expires.nanosecondsForJetStream))
        do {
            try connection.publish(
                jetStream.apiSubject("CONSUMER.MSG.NEXT.\(stream).\(name)"), payload: ByteBuffer(bytes: body), replyTo: inbox)
        } catch {
            subscription.unsubscribe()
            throw error
        }
        // The server answers at `expires` at the latest; the margin covers a slow server or a lost reply.
        let deadline = Task {
            try? await Task.sleep(for: expires + .seconds(2))
            subscription.unsubscribe()
        }
        defer {
            deadline.cancel()
            subscription.unsubscribe()
        }
        return try await withTaskCancellationHandler {
            try await collect(from: subscription, batch: batch)
        } onCancel: {
            subscription.unsubscribe()
        }
    }

    private func collect(from subscription: NATSSubscription, batch: Int) async throws -> [JetStreamMessage] {
        var messages: [JetStreamMessage] = []
        for await message in subscription {
            switch PullStatus(message.headers) {
            case .message:
                messages.append(try JetStreamMessage(message, connection: jetStream.connection))
                if messages.count == batch { return messages }
            case .heartbeat:
                continue
            case .done:
                return messages
            case .consumerDeleted:
                throw JetStreamError(.consumerDeleted, "consumer \(name) of stream \(stream) was deleted")
            case .failed(let status, let description):
                if !messages.isEmpty { return messages }
                throw JetStreamError(.pullFailed, "pull from \(stream) > \(name): \(status) \(description)")
            }
        }
        return messages
    }

    /// Messages as they come, pulled in batches of `batch` (each request expiring after
    /// `expires`, then the next one goes out): an endless sequence that ends when the task is
    /// cancelled or the connection is closed. Losing the connection is waited out.
    public func messages(batch: Int = 64, expires: Duration = .seconds(30)) -> JetStreamMessages {
        JetStreamMessages(consumer: self, batch: batch, expires: expires)
    }
}

/// What a message on a pull request's inbox is (ADR-13 status codes).
enum PullStatus: Equatable {
    case message
    /// 100: idle heartbeat or flow control.
    case heartbeat
    /// 404 no messages, 408 request expired: the request is over.
    case done
    case consumerDeleted
    case failed(Int, String)

    init(_ headers: NATSHeaders?) {
        guard let status = headers?.status else {
            self = .message
            return
        }
        let description = headers?.statusDescription ?? ""
        switch status {
        case 100: self = .heartbeat
        case 404, 408: self = .done
        case 409 where description.lowercased().contains("consumer deleted"): self = .consumerDeleted
        default: self = .failed(status, description)
        }
    }
}

/// A pull consumer's messages, pulled as they are read (see `PullConsumer.messages`).
public struct JetStreamMessages: AsyncSequence, Sendable {
    public typealias Element = JetStreamMessage
    let consumer: PullConsumer
    let batch: Int
    let expires: Duration

    public func makeAsyncIterator() -> Iterator { Iterator(consumer: consumer, batch: batch, expires: expires) }

    public struct Iterator: AsyncIteratorProtocol {
        let consumer: PullConsumer
        let batch: Int
        let expires: Duration
        var pending: [JetStreamMessage] = []

        /// The next message; nil once the task is cancelled or the connection closed.
        /// - Throws: `JetStreamError` when the consumer is deleted or the server refuses the pull.
        public mutating func next() async throws -> JetStreamMessage? {
            while pending.isEmpty {
                if Task.isCancelled { return nil }
                do {
                    pending = try await consumer.fetch(batch: batch, expires: expires)
                } catch let error as NATSClientError where error.code == .connectionClosed || error.code == .cancelled {
                    return nil
                } catch let error as NATSClientError where error.code == .disconnected || error.code == .reconnectBufferFull {
                    // Waiting for the reconnect: try again a little later.
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            return pending.removeFirst()
        }
    }
}
