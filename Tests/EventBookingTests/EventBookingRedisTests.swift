import Foundation
import SQLite
import TestSupport
import Testing

/// The system with Redis (`--redis`): `lock:` subjects run under Redis locks, their fencing
/// tokens reach the stores, and the gateway honours `Idempotency-Key`.
@Suite(.serialized, .timeLimit(.minutes(1))) struct EventBookingRedisTests {
    @Test func lockedWritesStoreTheirFencingTokensAndRacingBookingsSellASeatOnce() async throws {
        let redis = try RedisServer()
        defer { redis.stop() }
        let stack = try await EventBookingStack(redis: redis)
        let (olga, _) = try await stack.signUp("olga", role: "organizer")
        let eventID = try await stack.createEvent(by: olga, capacity: 20)
        var users: [[String: String]] = []
        for index in 0..<6 { users.append(try await stack.signUp("user\(index)").headers) }

        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for user in users {
                group.addTask { try await stack.book(eventID, seats: ["A1", "A2"], as: user).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.sorted() == [201, 409, 409, 409, 409, 409], "\(statuses)")
        #expect(try await stack.seatsAvailable(eventID, becomes: 18) == 18)

        // The stores kept the tokens of the leases their writes ran under (ids as they store them).
        let id = eventID.lowercased()
        let events = try SQLiteDatabase(path: stack.dataDirectory.appendingPathComponent("events.sqlite").path)
        let eventFence = try events.read { try $0.first("SELECT fencing_token FROM events WHERE id = ?", [id])?[0, as: Int64?.self] }
        #expect(eventFence != nil, "publishing ran under the lock events:{eventId}")
        let bookings = try SQLiteDatabase(path: stack.dataDirectory.appendingPathComponent("bookings.sqlite").path)
        let bookingFence = try bookings.read { db in
            try db.first("SELECT token FROM fences WHERE lock_key = ?", ["bookings:event:\(id)"])?[0, as: Int64.self]
        }
        #expect(bookingFence != nil, "each booking ran under the lock bookings:event:{eventId}")
        events.close()
        bookings.close()
        try await stack.stop()
    }

    @Test func aRetriedBookingWithTheSameIdempotencyKeyIsBookedOnce() async throws {
        let redis = try RedisServer()
        defer { redis.stop() }
        let stack = try await EventBookingStack(redis: redis)
        let (olga, _) = try await stack.signUp("olga", role: "organizer")
        let eventID = try await stack.createEvent(by: olga, capacity: 20)
        let (bob, _) = try await stack.signUp("bob")
        let body = #"{"eventId":"\#(eventID)","seats":[{"row":"C","number":3}],"payment":{"method":"invoice","company":"ACME"}}"#
        let retried = bob.merging(["Idempotency-Key": "booking-bob-1"]) { $1 }
        let first = try await stack.http.send("POST", "/bookings", json: body, headers: retried)
        let second = try await stack.http.send("POST", "/bookings", json: body, headers: retried)
        #expect(first.status == 201 && second.status == 201, "\(second.text)")
        #expect(first.json?["id"] as? String == second.json?["id"] as? String, "the retry got the first answer")
        let mine = try await stack.http.send("GET", "/bookings/mine", headers: bob)
        #expect((mine.json?["items"] as? [Any])?.count == 1)
        try await stack.stop()
    }
}
