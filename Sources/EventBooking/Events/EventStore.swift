import Foundation
import GeneratedSchemas
import MessagingRuntime
import SQLite

/// The events service's SQLite database: events, and the ledger of bookings whose seats they
/// count.
final class EventStore: Sendable {
    let database: SQLiteDatabase

    static let migrations = [
        """
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            organizer_id TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT,
            venue TEXT NOT NULL,
            city_key TEXT NOT NULL,
            starts_at INTEGER NOT NULL,
            ends_at INTEGER NOT NULL,
            capacity INTEGER NOT NULL CHECK (capacity > 0),
            seats_booked INTEGER NOT NULL DEFAULT 0 CHECK (seats_booked >= 0),
            price_cents INTEGER NOT NULL,
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            tags TEXT NOT NULL,
            fencing_token INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX events_listing ON events (status, starts_at, id);
        -- One row per booking the seat count includes (or, once cancelled, no longer includes), so
        -- that a booking event delivered twice, or a cancellation before its creation, counts once.
        CREATE TABLE booking_seats (
            booking_id TEXT PRIMARY KEY,
            event_id TEXT NOT NULL,
            seats INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('booked', 'released'))
        );
        """
    ]

    init(database: SQLiteDatabase) throws {
        self.database = database
        try database.migrate(Self.migrations)
    }

    static let columns = """
        id, organizer_id, title, description, venue, starts_at, ends_at, capacity, seats_booked, price_cents, currency, status, tags, \
        fencing_token
        """

    func insert(_ event: Events.Event, fencingToken: Int64?) throws {
        let now = DateTime.now.milliseconds
        try database.write { db in
            try db.run(
                """
                INSERT INTO events (id, organizer_id, title, description, venue, city_key, starts_at, ends_at, capacity, \
                seats_booked, price_cents, currency, status, tags, fencing_token, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                event.id, event.organizerId, event.title, event.description, try JSONColumn.encode(event.venue),
                event.venue.city.lowercased(), event.startsAt.milliseconds, event.endsAt.milliseconds, event.capacity,
                event.capacity - event.seatsAvailable, event.priceCents, event.currency, event.status.rawValue,
                try JSONColumn.encode(event.tags), fencingToken, now, now)
        }
    }

    func event(id: UUID) throws -> Events.Event? {
        try database.read { db in
            try db.first("SELECT \(Self.columns) FROM events WHERE id = ?", id) { try Self.event($0) }
        }
    }

    /// Changes an event in one transaction: loads it, checks the write's fencing token against
    /// the stored one, lets `change` edit it (or throw, which changes nothing), and saves it with
    /// the token.
    /// - Returns: the event before and after, or nil when no event has the id.
    func modify(
        id: UUID, fencingToken: Int64?, _ change: (inout Events.Event) throws -> Void
    ) throws -> (before: Events.Event, after: Events.Event)? {
        try database.write { db in
            guard let row = try db.first("SELECT \(Self.columns) FROM events WHERE id = ?", [id]) else { return nil }
            let before = try Self.event(row)
            let token = try Fencing.check(presented: fencingToken, stored: try row["fencing_token"])
            var after = before
            try change(&after)
            try db.run(
                """
                UPDATE events SET title = ?, description = ?, venue = ?, city_key = ?, starts_at = ?, ends_at = ?, capacity = ?, \
                price_cents = ?, status = ?, tags = ?, fencing_token = ?, updated_at = ? WHERE id = ?
                """,
                after.title, after.description, try JSONColumn.encode(after.venue), after.venue.city.lowercased(),
                after.startsAt.milliseconds, after.endsAt.milliseconds, after.capacity, after.priceCents, after.status.rawValue,
                try JSONColumn.encode(after.tags), token, DateTime.now.milliseconds, id)
            return (before, after)
        }
    }

    /// Published events, soonest first (ties by id), starting after `cursor`'s position.
    func published(city: String?, from: CalendarDate?, after cursor: EventCursor?, limit: Int) throws -> [Events.Event] {
        var conditions = ["status = 'published'"]
        var values: [any SQLiteValueConvertible] = []
        if let city {
            conditions.append("city_key = ?")
            values.append(city.lowercased())
        }
        if let from {
            conditions.append("starts_at >= ?")
            values.append(from.startMilliseconds)
        }
        if let cursor {
            conditions.append("(starts_at > ? OR (starts_at = ? AND id > ?))")
            values += [cursor.startsAt, cursor.startsAt, cursor.id]
        }
        values.append(limit)
        let sql = "SELECT \(Self.columns) FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY starts_at, id LIMIT ?"
        return try database.read { db in try db.query(sql, values).map(Self.event) }
    }

    // MARK: Seats

    /// Counts a booking's seats against its event, once.
    /// - Returns: the event after the change, or nil when nothing changed (a repeated delivery,
    ///   a booking cancelled before this arrived, an unknown event).
    func book(bookingID: UUID, eventID: UUID, seats: Int) throws -> Events.Event? {
        try database.write { db in
            try db.run(
                "INSERT INTO booking_seats (booking_id, event_id, seats, state) VALUES (?, ?, ?, 'booked') ON CONFLICT DO NOTHING",
                bookingID, eventID, seats)
            guard db.changes == 1 else { return nil }
            return try Self.adjustSeats(db, eventID: eventID, by: seats)
        }
    }

    /// Gives a cancelled booking's seats back, once.
    /// - Returns: the event after the change, or nil when nothing changed.
    func release(bookingID: UUID, eventID: UUID, seats: Int) throws -> Events.Event? {
        try database.write { db in
            let state = try db.first("SELECT state FROM booking_seats WHERE booking_id = ?", bookingID) { try $0[0, as: String.self] }
            switch state {
            case "booked"?:
                try db.run("UPDATE booking_seats SET state = 'released' WHERE booking_id = ?", bookingID)
                return try Self.adjustSeats(db, eventID: eventID, by: -seats)
            case nil:
                // The cancellation overtook the creation: remember it, so the creation counts nothing.
                try db.run(
                    "INSERT INTO booking_seats (booking_id, event_id, seats, state) VALUES (?, ?, ?, 'released')", bookingID, eventID,
                    seats)
                return nil
            default:
                return nil
            }
        }
    }

    private static func adjustSeats(_ db: SQLiteConnection, eventID: UUID, by seats: Int) throws -> Events.Event? {
        try db.run(
            "UPDATE events SET seats_booked = max(0, seats_booked + ?), updated_at = ? WHERE id = ?", seats, DateTime.now.milliseconds,
            eventID)
        return try db.first("SELECT \(columns) FROM events WHERE id = ?", eventID) { try event($0) }
    }

    static func event(_ row: SQLiteRow) throws -> Events.Event {
        let capacity: Int = try row["capacity"]
        let booked: Int = try row["seats_booked"]
        let status: String = try row["status"]
        return Events.Event(
            id: try row["id"], organizerId: try row["organizer_id"], title: try row["title"], description: try row["description"],
            venue: try JSONColumn.decode(Events.Venue.self, from: try row["venue"]),
            startsAt: DateTime(milliseconds: try row["starts_at"]), endsAt: DateTime(milliseconds: try row["ends_at"]),
            capacity: capacity, seatsAvailable: max(0, capacity - booked), priceCents: try row["price_cents"],
            currency: try row["currency"], status: Events.EventStatus(rawValue: status) ?? .draft,
            tags: try JSONColumn.decode([String].self, from: try row["tags"]))
    }
}
