import EventBooking
import Foundation
import GeneratedSchemas
import MessagingRuntime
import SQLite
import Testing

/// The bookings service called in process, on an in-memory database and a stub catalog.
@Suite struct BookingsServiceTests {
    let publisher = RecordingPublisher()
    let catalog = StubCatalog()
    let service: BookingsService
    let bob = UUID()
    let carol = UUID()

    init() throws {
        service = try BookingsService(database: try SQLiteDatabase.inMemory(), catalog: catalog, events: publisher)
    }

    func event(capacity: Int = 3, status: Events.EventStatus = .published, startsAt: DateTime = DateTime(rfc3339: "2031-01-10T18:00:00Z")!)
        -> Events.Event
    {
        let event = Events.Event(
            id: UUID(), organizerId: UUID(), title: "Meetup", venue: Events.Venue(name: "Hall", city: "Lyon"), startsAt: startsAt,
            endsAt: DateTime(startsAt.date.addingTimeInterval(3600)), capacity: capacity, seatsAvailable: capacity, priceCents: 1200,
            currency: "CHF", status: status)
        catalog.add(event)
        return event
    }

    func request(_ event: Events.Event, _ seats: String...) -> Bookings.CreateBookingRequest {
        Bookings.CreateBookingRequest(
            eventId: event.id, seats: seats.map { Bookings.Seat(row: String($0.prefix(1)), number: Int($0.dropFirst())!) },
            payment: .invoice(Bookings.InvoicePayment(company: "ACME")))
    }

    @Test func aBookingCostsTheSeatsTimesThePriceAndIsAnnounced() async throws {
        let event = event()
        let booking = try await service.create(request(event, "A1", "A2"), context: .by(bob))
        #expect(booking.totalCents == 2400 && booking.currency == "CHF" && booking.userId == bob && booking.status == .confirmed)
        let announced = publisher.events(Bookings.Subjects.bookingCreated)
        #expect(announced.map(\.booking) == [booking] && announced.first?.event.id == event.id)
    }

    @Test func seatsAreSoldOnceAndNeverBeyondCapacity() async throws {
        let event = event(capacity: 3)
        _ = try await service.create(request(event, "A1", "A2"), context: .by(bob))
        await #expect(throws: Bookings.ErrorCode.seatTaken) { try await service.create(request(event, "B1", "A2"), context: .by(carol)) }
        await #expect { try await service.create(request(event, "B1", "B2"), context: .by(carol)) } throws: { error in
            (error as? ServiceError)?.code == "SoldOut" && (error as? ServiceError)?.message.contains("1 of 3") == true
        }
        _ = try await service.create(request(event, "B1"), context: .by(carol))
        // The same seat of another event is another seat.
        _ = try await service.create(request(self.event(), "A1"), context: .by(carol))
    }

    @Test func onlyPublishedEventsThatHaveNotStartedAreBookable() async throws {
        for event in [event(status: .draft), event(status: .cancelled), event(startsAt: DateTime(Date().addingTimeInterval(-60)))] {
            await #expect { try await service.create(request(event, "A1"), context: .by(bob)) } throws: { error in
                (error as? ServiceError)?.code == "EventNotBookable"
            }
        }
        await #expect { try await service.create(request(Self.unknownEvent, "A1"), context: .by(bob)) } throws: { error in
            (error as? ErrorReply)?.code == "EventNotFound"
        }
    }

    @Test func onlyTheOwnerCancelsAndTheSeatsComeBackOnce() async throws {
        let event = event(capacity: 1)
        let booking = try await service.create(request(event, "A1"), context: .by(bob))
        let cancel = Bookings.CancelBookingRequest(bookingId: booking.id, reason: "ill")
        await #expect(throws: Bookings.ErrorCode.notBookingOwner) { try await service.cancel(cancel, context: .by(carol)) }
        await #expect(throws: Bookings.ErrorCode.notBookingOwner) { try await service.cancel(cancel, context: .by(carol, role: "admin")) }
        let cancelled = try await service.cancel(cancel, context: .by(bob))
        #expect(cancelled.status == .cancelled && cancelled.cancelledAt != nil)
        _ = try await service.cancel(cancel, context: .by(bob))
        #expect(publisher.events(Bookings.Subjects.bookingCancelled).map(\.reason) == ["ill"], "announced once")
        _ = try await service.create(request(event, "A1"), context: .by(carol))
        await #expect(throws: Bookings.ErrorCode.bookingNotFound) {
            try await service.cancel(Bookings.CancelBookingRequest(bookingId: UUID()), context: .by(bob))
        }
    }

    @Test func theOwnerOrAnAdminReadsABookingAndEachListsTheirOwn() async throws {
        let event = event(capacity: 10)
        let first = try await service.create(request(event, "A1"), context: .by(bob))
        let second = try await service.create(request(event, "A2"), context: .by(bob))
        _ = try await service.create(request(event, "A3"), context: .by(carol))
        #expect(try await service.get(Bookings.GetBookingRequest(bookingId: first.id), context: .by(bob)) == first)
        #expect(try await service.get(Bookings.GetBookingRequest(bookingId: first.id), context: .by(UUID(), role: "admin")) == first)
        await #expect(throws: Bookings.ErrorCode.notBookingOwner) {
            try await service.get(Bookings.GetBookingRequest(bookingId: first.id), context: .by(carol))
        }
        let mine = try await service.listMine(Bookings.ListMyBookingsRequest(limit: 20), context: .by(bob))
        #expect(Set(mine.items.map(\.id)) == [first.id, second.id])
        #expect(try await service.listMine(Bookings.ListMyBookingsRequest(limit: 1), context: .by(bob)).items.count == 1)
        _ = try await service.cancel(Bookings.CancelBookingRequest(bookingId: first.id), context: .by(bob))
        let confirmed = try await service.listMine(Bookings.ListMyBookingsRequest(status: .confirmed, limit: 20), context: .by(bob))
        #expect(confirmed.items.map(\.id) == [second.id])
    }

    @Test func aBookingUnderAnOlderFencingTokenThanTheEventsLastIsRefused() async throws {
        let event = event(capacity: 10)
        _ = try await service.create(request(event, "A1"), context: .by(bob, fencingToken: 12))
        await #expect { try await service.create(request(event, "A2"), context: .by(carol, fencingToken: 11)) } throws: { error in
            (error as? ErrorReply)?.code == "stale_fencing_token"
        }
        // Tokens are per locked resource: another event's lock has its own.
        _ = try await service.create(request(self.event(), "A2"), context: .by(carol, fencingToken: 3))
        _ = try await service.create(request(event, "A2"), context: .by(carol, fencingToken: 13))
    }

    static let unknownEvent = Events.Event(
        id: UUID(), organizerId: UUID(), title: "Nowhere", venue: Events.Venue(name: "-", city: "-"), startsAt: .now, endsAt: .now,
        capacity: 1, seatsAvailable: 1, priceCents: 0, currency: "EUR", status: .published)
}
