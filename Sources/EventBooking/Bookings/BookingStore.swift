import Foundation
import GeneratedSchemas
import MessagingRuntime
import SQLite

/// The bookings service's SQLite database: bookings, the seats they hold (one row per booked
/// seat, unique per event, so that no seat is sold twice), and the fencing tokens of locked
/// resources that have no row of their own.
final class BookingStore: Sendable {
    let database: SQLiteDatabase

    static let migrations = [
        """
        CREATE TABLE bookings (
            id TEXT PRIMARY KEY,
            event_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            seats TEXT NOT NULL,
            total_cents INTEGER NOT NULL,
            currency TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
            booked_on TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            cancelled_at INTEGER,
            cancel_reason TEXT,
            payment_method TEXT NOT NULL,
            fencing_token INTEGER
        );
        CREATE INDEX bookings_by_user ON bookings (user_id, created_at);
        -- The seats of confirmed bookings: a cancelled booking's rows are deleted.
        CREATE TABLE booked_seats (
            event_id TEXT NOT NULL,
            seat_row TEXT NOT NULL,
            seat_number INTEGER NOT NULL,
            booking_id TEXT NOT NULL REFERENCES bookings (id),
            PRIMARY KEY (event_id, seat_row, seat_number)
        );
        CREATE TABLE fences (
            lock_key TEXT PRIMARY KEY,
            token INTEGER NOT NULL
        );
        """
    ]

    init(database: SQLiteDatabase) throws {
        self.database = database
        try database.migrate(Self.migrations)
    }

    static let columns = "id, event_id, user_id, seats, total_cents, currency, status, booked_on, created_at, cancelled_at"

    /// Saves a confirmed booking if its seats are free and the event has room for them, all in
    /// one transaction.
    /// - Parameter fence: the lock key and fencing token the request ran under, if any.
    /// - Throws: `Bookings.ErrorCode.seatTaken` when a seat is booked already,
    ///   `.soldOut` when fewer than the booking's seats are left of `capacity`; the stale-token
    ///   error of `Fencing`.
    func create(_ booking: Bookings.Booking, capacity: Int, paymentMethod: String, fence: (key: String, token: Int64)?) throws {
        try database.write { db in
            if let fence { try Self.advance(db, fence: fence) }
            for seat in booking.seats {
                let taken = try db.first(
                    "SELECT 1 FROM booked_seats WHERE event_id = ? AND seat_row = ? AND seat_number = ?",
                    [booking.eventId, seat.row, seat.number])
                if taken != nil { throw Bookings.ErrorCode.seatTaken }
            }
            let count = try db.first("SELECT count(*) FROM booked_seats WHERE event_id = ?", [booking.eventId])
            let booked: Int = try count?[0] ?? 0
            guard booked + booking.seats.count <= capacity else {
                throw ServiceError(
                    Bookings.ErrorCode.soldOut, message: "Not enough seats are left: \(max(0, capacity - booked)) of \(capacity).")
            }
            try db.run(
                """
                INSERT INTO bookings (id, event_id, user_id, seats, total_cents, currency, status, booked_on, created_at, payment_method)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                booking.id, booking.eventId, booking.userId, try JSONColumn.encode(booking.seats), booking.totalCents, booking.currency,
                booking.status.rawValue, booking.bookedOn.isoString, booking.createdAt.milliseconds, paymentMethod)
            for seat in booking.seats {
                do {
                    try db.run(
                        "INSERT INTO booked_seats (event_id, seat_row, seat_number, booking_id) VALUES (?, ?, ?, ?)", booking.eventId,
                        seat.row, seat.number, booking.id)
                } catch let error as SQLiteError where error.isConstraintViolation {
                    throw Bookings.ErrorCode.seatTaken
                }
            }
        }
    }

    func booking(id: UUID) throws -> Bookings.Booking? {
        try database.read { db in try db.first("SELECT \(Self.columns) FROM bookings WHERE id = ?", id, as: Self.booking) }
    }

    /// A user's bookings, newest first.
    func bookings(of userID: UUID, status: Bookings.BookingStatus?, limit: Int) throws -> [Bookings.Booking] {
        try database.read { db in
            if let status {
                return try db.query(
                    "SELECT \(Self.columns) FROM bookings WHERE user_id = ? AND status = ? ORDER BY created_at DESC, id LIMIT ?", userID,
                    status.rawValue, limit, as: Self.booking)
            }
            return try db.query(
                "SELECT \(Self.columns) FROM bookings WHERE user_id = ? ORDER BY created_at DESC, id LIMIT ?", userID, limit,
                as: Self.booking)
        }
    }

    /// Cancels a booking and frees its seats, in one transaction, after `authorize` accepted it.
    /// - Returns: the booking, and whether this call cancelled it (false: it was already
    ///   cancelled); nil when no booking has the id.
    func cancel(
        id: UUID, reason: String?, fencingToken: Int64?, authorize: (Bookings.Booking) throws -> Void
    ) throws -> (booking: Bookings.Booking, cancelledNow: Bool)? {
        try database.write { db in
            guard let row = try db.first("SELECT \(Self.columns), fencing_token FROM bookings WHERE id = ?", [id]) else { return nil }
            var booking = try Self.booking(row)
            try authorize(booking)
            let token = try Fencing.check(presented: fencingToken, stored: try row["fencing_token"])
            guard booking.status == .confirmed else { return (booking, false) }
            let now = DateTime.now
            booking.status = .cancelled
            booking.cancelledAt = DateTime(milliseconds: now.milliseconds)
            try db.run(
                "UPDATE bookings SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?, fencing_token = ? WHERE id = ?",
                now.milliseconds, reason, token, id)
            try db.run("DELETE FROM booked_seats WHERE booking_id = ?", id)
            return (booking, true)
        }
    }

    /// Stores the highest fencing token of a lock key, refusing a lower one.
    private static func advance(_ db: SQLiteConnection, fence: (key: String, token: Int64)) throws {
        let stored = try db.first("SELECT token FROM fences WHERE lock_key = ?", fence.key) { try $0[0, as: Int64.self] }
        _ = try Fencing.check(presented: fence.token, stored: stored)
        try db.run(
            "INSERT INTO fences (lock_key, token) VALUES (?, ?) ON CONFLICT (lock_key) DO UPDATE SET token = excluded.token", fence.key,
            fence.token)
    }

    static func booking(_ row: SQLiteRow) throws -> Bookings.Booking {
        let status: String = try row["status"]
        let bookedOn: String = try row["booked_on"]
        return Bookings.Booking(
            id: try row["id"], eventId: try row["event_id"], userId: try row["user_id"],
            seats: try JSONColumn.decode([Bookings.Seat].self, from: try row["seats"]), totalCents: try row["total_cents"],
            currency: try row["currency"], status: Bookings.BookingStatus(rawValue: status) ?? .confirmed,
            bookedOn: CalendarDate(iso: bookedOn) ?? CalendarDate(DateTime.now), createdAt: DateTime(milliseconds: try row["created_at"]),
            cancelledAt: try row["cancelled_at", as: Int64?.self].map(DateTime.init(milliseconds:)))
    }
}
