import Foundation
import TestSupport
import Testing

/// The worked example end to end: real HTTP through the gateway, NATS between the services,
/// SQLite under them.
@Suite(.serialized, .timeLimit(.minutes(2))) struct EventBookingFlowTests {
    @Test func anOrganizerPublishesAndUsersBookCancelAndSeeTheirBookings() async throws {
        let stack = try await EventBookingStack()
        let http = stack.http
        let (olga, olgaID) = try await stack.signUp("olga", role: "organizer")
        let (bob, bobID) = try await stack.signUp("bob")
        let (carol, _) = try await stack.signUp("carol")

        // A draft: not listed, not bookable.
        let eventID = try await stack.createEvent(by: olga, capacity: 3, priceCents: 2500, publish: false)
        let draft = try await http.send("GET", "/events/\(eventID)")
        #expect(draft.json?["status"] as? String == "draft" && draft.json?["organizerId"] as? String == olgaID)
        #expect(draft.json?["seatsAvailable"] as? Int == 3)
        #expect((try await http.send("GET", "/events").json?["items"] as? [Any])?.isEmpty == true)
        let early = try await stack.book(eventID, seats: ["A1"], as: bob)
        #expect(early.status == 409 && early.error?["code"] as? String == "EventNotBookable", "\(early.text)")

        let published = try await http.send("POST", "/events/\(eventID)/publish", json: "{}", headers: olga)
        #expect(published.status == 200 && published.json?["status"] as? String == "published")
        let listed = try await http.send("GET", "/events?city=lyon")
        #expect((listed.json?["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [eventID], "\(listed.text)")
        #expect((try await http.send("GET", "/events?city=Paris").json?["items"] as? [Any])?.isEmpty == true)

        // Bob books two seats: the price is per seat, the seats leave the event.
        let booked = try await stack.book(eventID, seats: ["A1", "A2"], as: bob)
        #expect(booked.status == 201, "\(booked.text)")
        #expect(booked.json?["totalCents"] as? Int == 5000 && booked.json?["currency"] as? String == "EUR")
        #expect(booked.json?["userId"] as? String == bobID && booked.json?["status"] as? String == "confirmed")
        let bobBooking = try #require(booked.json?["id"] as? String)
        #expect(try await stack.seatsAvailable(eventID, becomes: 1) == 1)

        // A seat is sold once; never more seats than the capacity.
        let taken = try await stack.book(eventID, seats: ["A1"], as: carol)
        #expect(taken.status == 409 && taken.error?["code"] as? String == "SeatTaken", "\(taken.text)")
        let tooMany = try await stack.book(eventID, seats: ["B1", "B2"], as: carol)
        #expect(tooMany.status == 409 && tooMany.error?["code"] as? String == "SoldOut", "\(tooMany.text)")
        let last = try await stack.book(eventID, seats: ["B1"], as: carol)
        #expect(last.status == 201, "\(last.text)")
        let carolBooking = try #require(last.json?["id"] as? String)
        #expect(try await stack.seatsAvailable(eventID, becomes: 0) == 0)
        let soldOut = try await stack.book(eventID, seats: ["C1"], as: bob)
        #expect(soldOut.status == 409 && soldOut.error?["code"] as? String == "SoldOut")

        // Each sees their own bookings; another's is forbidden.
        let bobs = try await http.send("GET", "/bookings/mine", headers: bob)
        #expect(bobs.status == 200 && (bobs.json?["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [bobBooking])
        let carols = try await http.send("GET", "/bookings/mine", headers: carol)
        #expect((carols.json?["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [carolBooking])
        #expect(try await http.send("GET", "/bookings/\(bobBooking)", headers: bob).json?["id"] as? String == bobBooking)
        let peek = try await http.send("GET", "/bookings/\(bobBooking)", headers: carol)
        #expect(peek.status == 403 && peek.error?["code"] as? String == "NotBookingOwner")

        // Only the owner cancels; the seats come back, once.
        let hijack = try await http.send("POST", "/bookings/\(bobBooking)/cancel", json: "{}", headers: carol)
        #expect(hijack.status == 403 && hijack.error?["code"] as? String == "NotBookingOwner")
        let cancelled = try await http.send("POST", "/bookings/\(bobBooking)/cancel", json: #"{"reason":"cannot come"}"#, headers: bob)
        #expect(cancelled.status == 200 && cancelled.json?["status"] as? String == "cancelled", "\(cancelled.text)")
        #expect(cancelled.json?["cancelledAt"] as? String != nil)
        #expect(try await stack.seatsAvailable(eventID, becomes: 2) == 2)
        let again = try await http.send("POST", "/bookings/\(bobBooking)/cancel", json: "{}", headers: bob)
        #expect(again.status == 200 && again.json?["status"] as? String == "cancelled")
        let mineCancelled = try await http.send("GET", "/bookings/mine?status=cancelled", headers: bob)
        #expect((mineCancelled.json?["items"] as? [Any])?.count == 1)
        #expect((try await http.send("GET", "/bookings/mine?status=confirmed", headers: bob).json?["items"] as? [Any])?.isEmpty == true)

        // The freed seat sells again; the count stayed right through the repeat cancel.
        #expect(try await stack.book(eventID, seats: ["A1"], as: carol).status == 201)
        #expect(try await stack.seatsAvailable(eventID, becomes: 1) == 1)
        try await stack.stop()
    }

    @Test func onlyTheOrganizerChangesAnEventAndACancelledOneStaysCancelled() async throws {
        let stack = try await EventBookingStack()
        let http = stack.http
        let (olga, _) = try await stack.signUp("olga", role: "organizer")
        let (oscar, _) = try await stack.signUp("oscar", role: "organizer")
        let (ada, _) = try await stack.signUp("ada", role: "admin")
        let (bob, _) = try await stack.signUp("bob")

        let backwards = """
            {"title":"Backwards","venue":{"name":"Hall","city":"Lyon"},"startsAt":"2031-01-10T21:00:00Z",\
            "endsAt":"2031-01-10T18:00:00Z","capacity":10,"priceCents":0}
            """
        let invalid = try await http.send("POST", "/events", json: backwards, headers: olga)
        #expect(invalid.status == 422 && invalid.error?["code"] as? String == "InvalidSchedule")
        #expect(try await http.send("POST", "/events", json: backwards, headers: bob).status == 403, "users create no events")

        let eventID = try await stack.createEvent(by: olga, capacity: 10)
        let foreign = try await http.send("PATCH", "/events/\(eventID)", json: #"{"title":"Mine now"}"#, headers: oscar)
        #expect(foreign.status == 403 && foreign.error?["code"] as? String == "NotEventOrganizer")
        let renamed = try await http.send("PATCH", "/events/\(eventID)", json: #"{"title":"Swift meetup #2","capacity":5}"#, headers: olga)
        #expect(renamed.status == 200 && renamed.json?["title"] as? String == "Swift meetup #2", "\(renamed.text)")
        #expect(renamed.json?["capacity"] as? Int == 5 && renamed.json?["seatsAvailable"] as? Int == 5)
        let reversed = try await http.send("PATCH", "/events/\(eventID)", json: #"{"endsAt":"2031-01-10T17:00:00Z"}"#, headers: olga)
        #expect(reversed.status == 422 && reversed.error?["code"] as? String == "InvalidSchedule")
        let byAdmin = try await http.send("PATCH", "/events/\(eventID)", json: #"{"priceCents":1000}"#, headers: ada)
        #expect(byAdmin.status == 200 && byAdmin.json?["priceCents"] as? Int == 1000)
        let missing = try await http.send("PATCH", "/events/\(UUID().uuidString.lowercased())", json: #"{"title":"Nope"}"#, headers: olga)
        #expect(missing.status == 404 && missing.error?["code"] as? String == "EventNotFound")

        let cancelled = try await http.send("POST", "/events/\(eventID)/cancel", json: "{}", headers: olga)
        #expect(cancelled.json?["status"] as? String == "cancelled")
        let edit = try await http.send("PATCH", "/events/\(eventID)", json: #"{"title":"Back again"}"#, headers: olga)
        #expect(edit.status == 409 && edit.error?["code"] as? String == "EventNotEditable")
        let republish = try await http.send("POST", "/events/\(eventID)/publish", json: "{}", headers: olga)
        #expect(republish.status == 409 && republish.error?["code"] as? String == "EventNotEditable")
        let booking = try await stack.book(eventID, seats: ["A1"], as: bob)
        #expect(booking.status == 409 && booking.error?["code"] as? String == "EventNotBookable")
        try await stack.stop()
    }

    @Test func theListIsSoonestFirstAndPagesWithAnOpaqueCursor() async throws {
        let stack = try await EventBookingStack()
        let http = stack.http
        let (olga, _) = try await stack.signUp("olga", role: "organizer")
        let third = try await stack.createEvent(by: olga, title: "Third", startsAt: "2031-03-01T18:00:00Z")
        let first = try await stack.createEvent(by: olga, title: "First", startsAt: "2031-01-01T18:00:00Z")
        let second = try await stack.createEvent(by: olga, title: "Second", city: "Paris", startsAt: "2031-02-01T18:00:00Z")
        _ = try await stack.createEvent(by: olga, title: "Draft", startsAt: "2031-01-15T18:00:00Z", publish: false)

        let page1 = try await http.send("GET", "/events?limit=2")
        #expect((page1.json?["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [first, second], "\(page1.text)")
        let cursor = try #require(page1.json?["nextCursor"] as? String)
        let page2 = try await http.send("GET", "/events?limit=2&cursor=\(cursor)")
        #expect((page2.json?["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [third])
        #expect(page2.json?["nextCursor"] is NSNull, "the last page has no cursor")

        let fromFebruary = try await http.send("GET", "/events?from=2031-02-01")
        #expect((fromFebruary.json?["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [second, third])
        let inLyonFromFebruary = try await http.send("GET", "/events?from=2031-02-01&city=LYON")
        #expect((inLyonFromFebruary.json?["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [third])

        let forged = try await http.send("GET", "/events?cursor=not-a-cursor")
        #expect(forged.status == 400 && forged.text.contains("cursor"), "\(forged.text)")
        try await stack.stop()
    }

    @Test func bookingsAskTheEventsServiceAndPassItsAnswersOn() async throws {
        let stack = try await EventBookingStack()
        let (bob, _) = try await stack.signUp("bob")
        let unknown = try await stack.book(UUID().uuidString.lowercased(), seats: ["A1"], as: bob)
        #expect(unknown.status == 404 && unknown.error?["code"] as? String == "EventNotFound", "\(unknown.text)")
        let free = #"{"eventId":"\#(UUID().uuidString)","seats":[{"row":"A","number":1}],"payment":{"method":"free","voucher":"FREE1"}}"#
        let correlated = try await stack.http.send(
            "POST", "/bookings", json: free, headers: bob.merging(["X-Correlation-Id": "trace-booking-1"]) { $1 })
        #expect(correlated.error?["correlationId"] as? String == "trace-booking-1")
        try await stack.stop()

        // Without the events service, a booking cannot be checked: 503, try again.
        let partial = try await EventBookingStack(components: [.auth, .bookings, .gateway])
        let (carol, _) = try await partial.signUp("carol")
        let unavailable = try await partial.book(UUID().uuidString.lowercased(), seats: ["A1"], as: carol)
        #expect(unavailable.status == 503 && unavailable.header("Retry-After") == "1", "\(unavailable.text)")
        try await partial.stop()
    }

    @Test func mineAndABookingIDDoNotClashInTheRouter() async throws {
        let stack = try await EventBookingStack(components: [.auth, .bookings, .gateway])
        let (bob, _) = try await stack.signUp("bob")
        let mine = try await stack.http.send("GET", "/bookings/mine", headers: bob)
        #expect(mine.status == 200 && (mine.json?["items"] as? [Any])?.isEmpty == true, "\(mine.text)")
        let unknown = try await stack.http.send("GET", "/bookings/\(UUID().uuidString.lowercased())", headers: bob)
        #expect(unknown.status == 404 && unknown.error?["code"] as? String == "BookingNotFound", "\(unknown.text)")
        let malformed = try await stack.http.send("GET", "/bookings/minE", headers: bob)
        #expect(malformed.status == 400 && malformed.text.contains("bookingId"), "\(malformed.text)")
        #expect(try await stack.http.send("GET", "/bookings/mine").status == 401)
        try await stack.stop()
    }
}
