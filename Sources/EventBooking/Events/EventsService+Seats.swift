import GeneratedSchemas
import MessagingRuntime
import ServiceHost

/// Seats available follow the bookings service: each booking created takes its seats from its
/// event, each booking cancelled gives them back. The events arrive once per queue group
/// (`events`), and the store's ledger makes a repeated or out-of-order delivery count once.
extension EventsService {
    public func bookingCreated(_ message: Bookings.BookingCreated, context: HandlerContext) async throws {
        let booking = message.booking
        guard booking.status == .confirmed,
            let event = try store.book(bookingID: booking.id, eventID: booking.eventId, seats: booking.seats.count)
        else { return }
        await announceSeats(event, context: context)
    }

    public func bookingCancelled(_ message: Bookings.BookingCancelled, context: HandlerContext) async throws {
        let booking = message.booking
        guard let event = try store.release(bookingID: booking.id, eventID: booking.eventId, seats: booking.seats.count) else { return }
        await announceSeats(event, context: context)
    }

    private func announceSeats(_ event: Events.Event, context: HandlerContext) async {
        await events.announce(
            Events.Subjects.eventUpdated, Events.EventUpdated(event: event, changed: ["seatsAvailable"]), causedBy: context, logger: logger)
    }

    /// Serves the `events.*` requests on `host` and consumes the bookings' events there.
    public func serve(on host: ServiceHost) {
        Events.serve(self, with: host)
        host.consume(Bookings.Subjects.bookingCreated) { message, context in try await self.bookingCreated(message, context: context) }
        host.consume(Bookings.Subjects.bookingCancelled) { message, context in try await self.bookingCancelled(message, context: context) }
    }
}
