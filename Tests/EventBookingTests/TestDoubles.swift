import EventBooking
import Foundation
import GeneratedSchemas
import MessagingRuntime
import Synchronization

/// Keeps what a service publishes, for in-process tests.
final class RecordingPublisher: EventPublisher {
    let published = Mutex<[(subject: String, event: any Message)]>([])

    func publish<Event>(_ subject: EventSubject<Event>, _ event: Event, causedBy context: HandlerContext?) throws {
        published.withLock { $0.append((subject.name, event)) }
    }

    /// The events published on `subject`, in order.
    func events<Event: Message>(_ subject: EventSubject<Event>) -> [Event] {
        published.withLock { list in list.filter { $0.subject == subject.name }.compactMap { $0.event as? Event } }
    }
}

/// An event catalog that answers from a dictionary.
final class StubCatalog: EventCatalog {
    let events = Mutex<[UUID: Events.Event]>([:])

    func event(_ id: UUID, context: HandlerContext) async throws -> Events.Event {
        guard let event = events.withLock({ $0[id] }) else { throw ErrorReply(Events.ErrorCode.eventNotFound) }
        return event
    }

    func add(_ event: Events.Event) { events.withLock { $0[event.id] = event } }
}

extension HandlerContext {
    /// A test call by the user `id` with `role`, optionally under a lock's fencing token.
    static func by(_ id: UUID, role: String = "user", fencingToken: Int64? = nil) -> HandlerContext {
        var context = HandlerContext.test(caller: Caller(id: id.uuidString.lowercased(), role: role))
        context.fencingToken = fencingToken
        return context
    }
}

extension Events.CreateEventRequest {
    static func meetup(capacity: Int = 3, startsAt: String = "2031-01-10T18:00:00Z", endsAt: String = "2031-01-10T21:00:00Z") -> Self {
        Events.CreateEventRequest(
            title: "Swift meetup", venue: Events.Venue(name: "Hall", city: "Lyon"), startsAt: DateTime(rfc3339: startsAt)!,
            endsAt: DateTime(rfc3339: endsAt)!, capacity: capacity, priceCents: 1500, currency: "EUR")
    }
}
