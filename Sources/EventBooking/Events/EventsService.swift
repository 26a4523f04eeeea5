import Foundation
import GeneratedSchemas
import Logging
import MessagingRuntime
import SQLite

/// Events (`events.*`): organizers create drafts, edit, publish and cancel them; anyone lists the
/// published ones and reads one. Seats available follow the bookings service's events (see
/// `EventsService+Seats.swift`). Writes under a `lock:` subject carry the lease's fencing token
/// to the store, which refuses a lower one than it has seen.
public final class EventsService: Events.Handler {
    let store: EventStore
    let events: any EventPublisher
    let logger: Logger

    public init(database: SQLiteDatabase, events: any EventPublisher, logger: Logger = Logger(label: "event-booking.events")) throws {
        self.store = try EventStore(database: database)
        self.events = events
        self.logger = logger
    }

    public func create(_ request: Events.CreateEventRequest, context: HandlerContext) async throws -> Events.Event {
        let caller = try context.identity()
        guard request.endsAt > request.startsAt else { throw Events.ErrorCode.invalidSchedule }
        let event = Events.Event(
            id: UUID.random(), organizerId: caller.id, title: request.title, description: request.description, venue: request.venue,
            startsAt: request.startsAt, endsAt: request.endsAt, capacity: request.capacity, seatsAvailable: request.capacity,
            priceCents: request.priceCents, currency: request.currency, status: .draft, tags: request.tags ?? [])
        try store.insert(event, fencingToken: context.fencingToken)
        await events.announce(Events.Subjects.eventCreated, Events.EventCreated(event: event), causedBy: context, logger: logger)
        return event
    }

    public func update(_ request: Events.UpdateEventRequest, context: HandlerContext) async throws -> Events.Event {
        try await modify(request.eventId, context: context) { event in
            guard event.status != .cancelled else { throw Events.ErrorCode.eventNotEditable }
            if let title = request.title { event.title = title }
            if let description = request.description { event.description = description }
            if let venue = request.venue { event.venue = venue }
            if let startsAt = request.startsAt { event.startsAt = startsAt }
            if let endsAt = request.endsAt { event.endsAt = endsAt }
            if let priceCents = request.priceCents { event.priceCents = priceCents }
            guard event.endsAt > event.startsAt else { throw Events.ErrorCode.invalidSchedule }
            if let capacity = request.capacity {
                let booked = event.capacity - event.seatsAvailable
                guard capacity >= booked else {
                    throw ServiceError(
                        Events.ErrorCode.eventNotEditable, message: "The capacity cannot go below the \(booked) seats already booked.")
                }
                event.capacity = capacity
                event.seatsAvailable = capacity - booked
            }
        }
    }

    public func get(_ request: Events.GetEventRequest, context: HandlerContext) async throws -> Events.Event {
        guard let event = try store.event(id: request.eventId) else { throw Events.ErrorCode.eventNotFound }
        return event
    }

    public func list(_ request: Events.ListEventsRequest, context: HandlerContext) async throws -> Events.EventPage {
        let cursor = try request.cursor.map(EventCursor.init(text:))
        // One more than asked tells whether another page follows.
        var items = try store.published(city: request.city, from: request.from, after: cursor, limit: request.limit + 1)
        var next: String?
        if items.count > request.limit {
            items.removeLast(items.count - request.limit)
            next = items.last.map { EventCursor(after: $0).text }
        }
        return Events.EventPage(items: items, nextCursor: next)
    }

    public func publish(_ request: Events.EventStatusChange, context: HandlerContext) async throws -> Events.Event {
        try await modify(request.eventId, context: context) { event in
            guard event.status != .cancelled else { throw Events.ErrorCode.eventNotEditable }
            event.status = .published
        }
    }

    public func cancel(_ request: Events.EventStatusChange, context: HandlerContext) async throws -> Events.Event {
        try await modify(request.eventId, context: context) { event in
            event.status = .cancelled
        }
    }

    /// Applies `change` to the event as its organizer (or an admin), under the context's fencing
    /// token, and announces what changed. A change that changes nothing announces nothing.
    private func modify(_ id: UUID, context: HandlerContext, _ change: (inout Events.Event) throws -> Void) async throws -> Events.Event {
        let caller = try context.identity()
        let result = try store.modify(id: id, fencingToken: context.fencingToken) { event in
            guard event.organizerId == caller.id || caller.isAdmin else { throw Events.ErrorCode.notEventOrganizer }
            try change(&event)
        }
        guard let (before, after) = result else { throw Events.ErrorCode.eventNotFound }
        let changed = Self.changedFields(before, after)
        if !changed.isEmpty {
            await events.announce(
                Events.Subjects.eventUpdated, Events.EventUpdated(event: after, changed: changed), causedBy: context, logger: logger)
        }
        return after
    }

    /// The names of the fields that differ, in schema order.
    static func changedFields(_ before: Events.Event, _ after: Events.Event) -> [String] {
        var changed: [String] = []
        if before.title != after.title { changed.append("title") }
        if before.description != after.description { changed.append("description") }
        if before.venue != after.venue { changed.append("venue") }
        if before.startsAt != after.startsAt { changed.append("startsAt") }
        if before.endsAt != after.endsAt { changed.append("endsAt") }
        if before.capacity != after.capacity { changed.append("capacity") }
        if before.seatsAvailable != after.seatsAvailable { changed.append("seatsAvailable") }
        if before.priceCents != after.priceCents { changed.append("priceCents") }
        if before.currency != after.currency { changed.append("currency") }
        if before.status != after.status { changed.append("status") }
        if before.tags != after.tags { changed.append("tags") }
        return changed
    }
}
