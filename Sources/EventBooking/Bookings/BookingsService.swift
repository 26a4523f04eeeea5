import Foundation
import GeneratedSchemas
import Logging
import MessagingRuntime
import SQLite

/// Bookings (`bookings.*`): a user books seats of a published event (asked of the events
/// service), sees and cancels their own bookings. Each seat is sold once per event, and never
/// more seats than the event's capacity; both are checked in the booking's transaction.
public final class BookingsService: Bookings.Handler {
    let store: BookingStore
    let catalog: any EventCatalog
    let events: any EventPublisher
    let logger: Logger

    public init(
        database: SQLiteDatabase, catalog: any EventCatalog, events: any EventPublisher,
        logger: Logger = Logger(label: "event-booking.bookings")
    ) throws {
        self.store = try BookingStore(database: database)
        self.catalog = catalog
        self.events = events
        self.logger = logger
    }

    public func create(_ request: Bookings.CreateBookingRequest, context: HandlerContext) async throws -> Bookings.Booking {
        let caller = try context.identity()
        let event = try await catalog.event(request.eventId, context: context)
        guard event.status == .published else {
            throw ServiceError(Bookings.ErrorCode.eventNotBookable, message: "The event is \(event.status.rawValue), not open for booking.")
        }
        guard event.startsAt > .now else {
            throw ServiceError(Bookings.ErrorCode.eventNotBookable, message: "The event has already started.")
        }
        let now = DateTime(milliseconds: DateTime.now.milliseconds)
        let booking = Bookings.Booking(
            id: UUID.random(), eventId: event.id, userId: caller.id, seats: request.seats, totalCents: request.seats.count * event.priceCents,
            currency: event.currency, status: .confirmed, bookedOn: CalendarDate(now), createdAt: now)
        let lockKey = Bookings.Subjects.create.lockKey?(request) ?? "bookings:event:\(event.id)"
        let fence = context.fencingToken.map { (key: lockKey, token: $0) }
        try store.create(booking, capacity: event.capacity, paymentMethod: Self.method(of: request.payment), fence: fence)
        await events.announce(
            Bookings.Subjects.bookingCreated, Bookings.BookingCreated(booking: booking, event: event), causedBy: context, logger: logger)
        return booking
    }

    public func cancel(_ request: Bookings.CancelBookingRequest, context: HandlerContext) async throws -> Bookings.Booking {
        let caller = try context.identity()
        let result = try store.cancel(id: request.bookingId, reason: request.reason, fencingToken: context.fencingToken) { booking in
            guard booking.userId == caller.id else { throw Bookings.ErrorCode.notBookingOwner }
        }
        guard let (booking, cancelledNow) = result else { throw Bookings.ErrorCode.bookingNotFound }
        if cancelledNow {
            await events.announce(
                Bookings.Subjects.bookingCancelled, Bookings.BookingCancelled(booking: booking, reason: request.reason), causedBy: context,
                logger: logger)
        }
        return booking
    }

    public func get(_ request: Bookings.GetBookingRequest, context: HandlerContext) async throws -> Bookings.Booking {
        let caller = try context.identity()
        guard let booking = try store.booking(id: request.bookingId) else { throw Bookings.ErrorCode.bookingNotFound }
        guard booking.userId == caller.id || caller.isAdmin else { throw Bookings.ErrorCode.notBookingOwner }
        return booking
    }

    public func listMine(_ request: Bookings.ListMyBookingsRequest, context: HandlerContext) async throws -> Bookings.BookingList {
        let caller = try context.identity()
        return Bookings.BookingList(items: try store.bookings(of: caller.id, status: request.status, limit: request.limit))
    }

    /// How a booking is paid, as the store keeps it (never the card token).
    static func method(of payment: Bookings.Payment) -> String {
        switch payment {
        case .card(let card): "card:\(card.last4)"
        case .invoice: "invoice"
        case .free: "free"
        }
    }
}
