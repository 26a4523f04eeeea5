import Foundation
import GeneratedSchemas
import MessagingRuntime
import ServiceHost

/// Where the bookings service reads the event a booking is for.
public protocol EventCatalog: Sendable {
    /// The event with `id`, asked as part of the request in `context`.
    /// - Throws: the events service's errors as `ErrorReply` (`EventNotFound` 404, 503, 504…).
    func event(_ id: UUID, context: HandlerContext) async throws -> Events.Event
}

/// The events service, asked over NATS (`events.{id}.get`) in the booking request's conversation.
public struct EventsServiceCatalog: EventCatalog {
    let client: ServiceClient

    public init(client: ServiceClient) {
        self.client = client
    }

    public func event(_ id: UUID, context: HandlerContext) async throws -> Events.Event {
        try await client.request(Events.Subjects.get, Events.GetEventRequest(eventId: id), context: context)
    }
}
