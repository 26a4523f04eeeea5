import Logging
import MessagingRuntime
import ServiceHost

/// Where a service publishes its domain events: the service host in production, a recorder in
/// tests.
public protocol EventPublisher: Sendable {
    /// Publishes `event` on its subject, in an envelope caused by `context`'s message; on a
    /// `stream:` subject, returns once the stream has stored it.
    func publish<Event>(_ subject: EventSubject<Event>, _ event: Event, causedBy context: HandlerContext?) async throws
}

extension ServiceHost: EventPublisher {}

extension EventPublisher {
    /// Publishes after the change is committed. A failure (the bus gone for longer than the
    /// client's reconnect buffer covers, no stream acknowledgement in time) is logged, not thrown:
    /// the request did succeed, and failing it would make the caller retry a change that was made.
    func announce<Event>(_ subject: EventSubject<Event>, _ event: Event, causedBy context: HandlerContext, logger: Logger) async {
        do {
            try await publish(subject, event, causedBy: context)
        } catch {
            logger.error(
                "could not publish an event",
                metadata: ["subject": "\(subject.name)", "correlationId": "\(context.correlationId)", "error": "\(error)"])
        }
    }
}
