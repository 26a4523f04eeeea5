import EventBooking
import Foundation
import GeneratedSchemas
import MessagingRuntime
import SQLite
import Testing

/// The events service called in process, on an in-memory database.
@Suite struct EventsServiceTests {
    let publisher = RecordingPublisher()
    let service: EventsService
    let olga = UUID()

    init() throws {
        service = try EventsService(database: try SQLiteDatabase.inMemory(), events: publisher)
    }

    @Test func aLockedWriteWithAnOlderFencingTokenIsRefused() async throws {
        let event = try await service.create(.meetup(), context: .by(olga, role: "organizer"))
        let rename = Events.UpdateEventRequest(eventId: event.id, title: "Under lease 7")
        _ = try await service.update(rename, context: .by(olga, fencingToken: 7))
        // A holder whose lease (token 5) expired while a newer one (7) wrote: refused, nothing changes.
        let stale = Events.UpdateEventRequest(eventId: event.id, title: "Stale")
        await #expect { try await service.update(stale, context: .by(olga, fencingToken: 5)) } throws: { error in
            (error as? ErrorReply)?.code == "stale_fencing_token" && (error as? ErrorReply)?.status == 409
        }
        await #expect(throws: ErrorReply.self) {
            try await service.publish(Events.EventStatusChange(eventId: event.id), context: .by(olga, fencingToken: 6))
        }
        #expect(try await service.get(Events.GetEventRequest(eventId: event.id), context: .test()).title == "Under lease 7")
        // The same or a newer token writes; a write without a lock keeps the stored token.
        _ = try await service.publish(Events.EventStatusChange(eventId: event.id), context: .by(olga, fencingToken: 7))
        _ = try await service.update(Events.UpdateEventRequest(eventId: event.id, title: "Unlocked"), context: .by(olga))
        await #expect(throws: ErrorReply.self) {
            try await service.cancel(Events.EventStatusChange(eventId: event.id), context: .by(olga, fencingToken: 6))
        }
        let cancelled = try await service.cancel(Events.EventStatusChange(eventId: event.id), context: .by(olga, fencingToken: 8))
        #expect(cancelled.status == .cancelled && cancelled.title == "Unlocked")
    }

    @Test func changesAreAnnouncedWithTheFieldsThatChanged() async throws {
        let event = try await service.create(.meetup(), context: .by(olga, role: "organizer"))
        #expect(publisher.events(Events.Subjects.eventCreated).map(\.event.id) == [event.id])
        _ = try await service.update(Events.UpdateEventRequest(eventId: event.id, title: "Renamed", capacity: 3), context: .by(olga))
        _ = try await service.publish(Events.EventStatusChange(eventId: event.id), context: .by(olga))
        _ = try await service.publish(Events.EventStatusChange(eventId: event.id), context: .by(olga))
        #expect(publisher.events(Events.Subjects.eventUpdated).map(\.changed) == [["title"], ["status"]], "a no-op is not announced")
    }

    @Test func seatsFollowBookingEventsOnceEachInAnyOrder() async throws {
        let event = try await service.create(.meetup(capacity: 5), context: .by(olga, role: "organizer"))
        let first = Self.booking(of: event, seats: 2)
        let second = Self.booking(of: event, seats: 1)
        try await service.bookingCreated(Bookings.BookingCreated(booking: first, event: event), context: .test())
        try await service.bookingCreated(Bookings.BookingCreated(booking: first, event: event), context: .test())
        #expect(try await seats(event) == 3, "a repeated delivery counts once")
        try await service.bookingCancelled(Bookings.BookingCancelled(booking: first), context: .test())
        try await service.bookingCancelled(Bookings.BookingCancelled(booking: first), context: .test())
        #expect(try await seats(event) == 5)
        // A cancellation that overtakes its creation: the late creation takes no seats.
        try await service.bookingCancelled(Bookings.BookingCancelled(booking: second), context: .test())
        try await service.bookingCreated(Bookings.BookingCreated(booking: second, event: event), context: .test())
        #expect(try await seats(event) == 5)
        #expect(publisher.events(Events.Subjects.eventUpdated).map(\.event.seatsAvailable) == [3, 5])
    }

    @Test func theCapacityCannotDropBelowTheSeatsBooked() async throws {
        let event = try await service.create(.meetup(capacity: 5), context: .by(olga, role: "organizer"))
        let booking = Self.booking(of: event, seats: 3)
        try await service.bookingCreated(Bookings.BookingCreated(booking: booking, event: event), context: .test())
        let shrink = Events.UpdateEventRequest(eventId: event.id, capacity: 2)
        await #expect { try await service.update(shrink, context: .by(olga)) } throws: { error in
            (error as? ServiceError)?.code == "EventNotEditable"
        }
        let shrunk = try await service.update(Events.UpdateEventRequest(eventId: event.id, capacity: 3), context: .by(olga))
        #expect(shrunk.capacity == 3 && shrunk.seatsAvailable == 0)
    }

    @Test func aRequestWithoutACallerIsRefused() async throws {
        await #expect { try await service.create(.meetup(), context: .test()) } throws: { error in (error as? ErrorReply)?.status == 401 }
    }

    func seats(_ event: Events.Event) async throws -> Int {
        try await service.get(Events.GetEventRequest(eventId: event.id), context: .test()).seatsAvailable
    }

    static func booking(of event: Events.Event, seats: Int) -> Bookings.Booking {
        Bookings.Booking(
            id: UUID(), eventId: event.id, userId: UUID(), seats: (1...seats).map { Bookings.Seat(row: "A", number: $0) },
            totalCents: 0, currency: "EUR", status: .confirmed, bookedOn: CalendarDate(year: 2030, month: 1, day: 1)!, createdAt: .now)
    }
}
