import MessagingRuntime
import TestSupport

/// Payloads to validate: hand-picked valid and invalid ones per message, and seeded mutations of the
/// valid ones (fields removed, nulled, retyped, stretched, duplicated, unknown keys added).
enum Corpus {
    struct Case: CustomStringConvertible {
        var type: String
        var payload: JSONValue
        var description: String { "\(type) \(payload.serialized())" }
    }

    static let uuid = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"

    /// One valid payload of every message that has inputs worth mutating.
    static let valid: [(String, JSONValue)] = [
        ("auth.RegisterRequest", ["email": "alice@example.com", "password": "correct horse battery", "role": "organizer"]),
        ("auth.RegisterRequest", ["email": "bob@example.org", "password": "12345678", "displayName": "Bob", "tags": ["a", "b"]]),
        ("auth.LoginRequest", ["email": "alice@example.com", "password": "x"]),
        ("auth.RefreshRequest", ["refreshToken": "0123456789abcdef0123"]),
        ("auth.MeRequest", [:]),
        ("auth.UserProfile", [
            "id": .string(uuid), "email": "a@b.co", "role": "admin", "displayName": nil,
            "createdAt": "2026-11-29T15:04:05Z",
        ]),
        ("auth.Session", [
            "accessToken": "a", "refreshToken": "r", "expiresIn": 3600,
            "user": ["id": .string(uuid), "email": "a@b.co", "role": "user", "displayName": "A", "createdAt": "2026-11-29T15:04:05.250+01:00"],
        ]),
        ("events.CreateEventRequest", [
            "title": "Swift Meetup", "venue": ["name": "Hall", "city": "Berlin", "latitude": 52.52, "longitude": 13.405], "startsAt": "2027-01-10T18:00:00Z",
            "endsAt": "2027-01-10T21:00:00Z", "capacity": 120, "durationMinutes": 90, "priceCents": 0, "currency": "EUR", "tags": ["swift", "nats"],
        ]),
        ("events.UpdateEventRequest", ["eventId": .string(uuid), "description": nil, "capacity": 10.0]),
        ("events.ListEventsRequest", ["city": "Paris", "from": "2027-02-28", "limit": 50]),
        ("events.EventUpdated", [
            "event": [
                "id": .string(uuid), "organizerId": .string(uuid), "title": "T", "description": nil,
                "venue": ["name": "V", "city": "C", "address": "1 Main St"], "startsAt": "2027-01-10T18:00:00Z",
                "endsAt": "2027-01-10T21:00:00Z", "capacity": 5, "seatsAvailable": 0, "priceCents": 1500,
                "currency": "USD", "status": "published",
            ],
            "changed": ["title"],
        ]),
        ("bookings.CreateBookingRequest", [
            "eventId": .string(uuid), "seats": [["row": "A", "number": 1], ["row": "AB", "number": 500]],
            "payment": ["method": "card", "token": "tok_12345678", "last4": "4242"],
            "metadata": ["source": "web"],
        ]),
        ("bookings.CreateBookingRequest", [
            "eventId": .string(uuid), "seats": [["row": "C", "number": 7]],
            "payment": ["method": "invoice", "company": "ACME", "vatNumber": "DE123"],
        ]),
        ("bookings.CreateBookingRequest", [
            "eventId": .string(uuid), "seats": [["row": "C", "number": 7]],
            "payment": ["method": "free", "voucher": "FREE-2027", "extra": "stripped"],
        ]),
        ("bookings.Booking", [
            "id": .string(uuid), "eventId": .string(uuid), "userId": .string(uuid), "seats": [["row": "B", "number": 2]],
            "totalCents": 3000, "currency": "EUR", "status": "confirmed", "bookedOn": "2024-02-29",
            "createdAt": "2024-02-29T23:59:59z", "cancelledAt": nil,
        ]),
        ("bookings.ListMyBookingsRequest", ["status": "cancelled"]),
    ]

    /// Hand-picked edge cases, valid and invalid.
    static let handPicked: [(String, JSONValue)] = [
        ("auth.RegisterRequest", ["email": "not-an-email", "password": "short", "role": "root"]),
        ("auth.RegisterRequest", [:]),
        ("auth.RegisterRequest", []),
        ("auth.RegisterRequest", "text"),
        ("auth.RegisterRequest", nil),
        ("auth.RegisterRequest", ["email": "a@b.co", "password": "ééééééé", "extra": 1, "more": true]),
        ("auth.RegisterRequest", ["email": "a@b.co", "password": "éééééééé"]),
        ("auth.RegisterRequest", ["email": "a@b.co", "password": "12345678", "role": nil]),
        ("auth.RegisterRequest", ["email": "a@b.co", "password": "12345678", "tags": ["x", "x", "y", "z", "w", "v"]]),
        ("auth.RegisterRequest", ["email": "a@b.c", "password": 12345678, "displayName": ""]),
        ("auth.RegisterRequest", ["email": "a@@b.co", "password": "12345678", "email": "ok@b.co"]),
        ("auth.RegisterRequest", ["email": "alice@example.com\n", "password": "12345678"]),
        ("auth.UserProfile", ["id": .string(uuid), "email": "x", "role": "user", "createdAt": "2026-02-28T00:00:00Z\n"]),
        ("events.ListEventsRequest", ["from": "2027-02-28\n"]),
        ("auth.UserProfile", ["id": "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b\n", "email": "x", "role": "user", "createdAt": "2026-02-28T00:00:00Z\n"]),
        ("auth.UserProfile", ["id": "3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B", "email": "", "role": "user", "createdAt": "2026-02-29T00:00:00Z"]),
        ("auth.UserProfile", ["id": "not-a-uuid", "email": "x", "role": "user", "displayName": "d", "createdAt": "2026-13-01T00:00:00Z"]),
        ("auth.Session", ["accessToken": "a", "refreshToken": "r", "tokenType": "Basic", "expiresIn": 0, "user": [:]]),
        ("events.CreateEventRequest", ["title": "ab", "venue": "Hall", "startsAt": "2027-01-10", "endsAt": 5, "capacity": 1.5, "priceCents": -1, "currency": "eur"]),
        ("events.CreateEventRequest", ["title": "abc", "venue": ["name": "", "city": "X", "zip": "1"], "startsAt": "2027-01-10T18:00:00Z", "endsAt": "2027-01-10T18:00:00Z", "capacity": 100001, "priceCents": 1e30]),
        ("events.ListEventsRequest", ["limit": 0, "from": "2027-02-29"]),
        ("events.CreateEventRequest", ["title": "abc", "venue": ["name": "n", "city": "c", "latitude": -90.5, "longitude": -180], "startsAt": "2027-01-10T18:00:00Z", "endsAt": "2027-01-10T19:00:00Z", "capacity": 1, "priceCents": 0, "durationMinutes": 20]),
        ("events.CreateEventRequest", ["title": "abc", "venue": ["name": "n", "city": "c", "latitude": 90, "longitude": 180], "startsAt": "2027-01-10T18:00:00Z", "endsAt": "2027-01-10T19:00:00Z", "capacity": 1, "priceCents": 0, "durationMinutes": 45.0]),
        ("events.ListEventsRequest", ["limit": 101, "from": "0000-01-01", "cursor": nil]),
        ("bookings.CreateBookingRequest", ["eventId": .string(uuid), "seats": [], "payment": ["method": "cash"]]),
        ("bookings.CreateBookingRequest", ["eventId": .string(uuid), "seats": [["row": "a", "number": 0], ["row": "a", "number": 0]], "payment": ["token": "x"]]),
        ("bookings.CreateBookingRequest", ["eventId": .string(uuid), "seats": [["row": "A", "number": 1]], "payment": ["method": 3]]),
        ("bookings.CreateBookingRequest", ["eventId": .string(uuid), "seats": [["row": "A", "number": 1]], "payment": ["method": "card", "token": "short", "last4": "42", "method": "card", "x": 1]]),
        ("bookings.CreateBookingRequest", ["eventId": .string(uuid), "seats": [["row": "A", "number": 1]], "payment": ["method": "invoice", "company": "C"], "metadata": ["a": "1", "b": 2]]),
        ("bookings.CreateBookingRequest", ["eventId": .string(uuid), "seats": .array(Array(repeating: ["row": "A", "number": 1] as JSONValue, count: 11)), "payment": ["method": "free", "voucher": "abc"]]),
        ("bookings.Booking", ["id": .string(uuid), "eventId": .string(uuid), "userId": .string(uuid), "seats": [], "totalCents": 0, "currency": "EUR", "status": "confirmed", "bookedOn": "2023-02-29", "createdAt": "2024-02-30T10:00:00Z", "cancelledAt": "2024-02-10T25:00:00Z"]),
    ]

    /// Every case: the valid ones, the hand-picked ones and `count` mutations.
    static func all(mutations count: Int = 3000, seed: UInt64 = 0x5EED) -> [Case] {
        var cases = (valid + handPicked).map { Case(type: $0.0, payload: $0.1) }
        var random = SeededGenerator(seed: seed)
        for index in 0..<count {
            let (type, payload) = valid[index % valid.count]
            var mutated = payload
            for _ in 0..<(1 + Int(random.next() % 3)) { mutated = mutate(mutated, &random, depth: 0) }
            cases.append(Case(type: type, payload: mutated))
        }
        return cases
    }

    /// Changes one thing somewhere in `value`.
    static func mutate(_ value: JSONValue, _ random: inout SeededGenerator, depth: Int) -> JSONValue {
        let roll = random.next() % 100
        switch value {
        case .object(var object) where !object.members.isEmpty && roll < 70:
            let index = Int(random.next() % UInt64(object.members.count))
            switch random.next() % 6 {
            case 0: object.members.remove(at: index)
            case 1: object.members[index].value = .null
            case 2: object.members.append(.init(key: "unknown\(random.next() % 3)", value: replacement(&random)))
            case 3: object.members.append(object.members[index])
            default: object.members[index].value = mutate(object.members[index].value, &random, depth: depth + 1)
            }
            return .object(object)
        case .array(var items) where !items.isEmpty && roll < 70:
            let index = Int(random.next() % UInt64(items.count))
            switch random.next() % 4 {
            case 0: items.remove(at: index)
            case 1: items.append(items[index])
            case 2: items += Array(repeating: items[index], count: Int(random.next() % 12))
            default: items[index] = mutate(items[index], &random, depth: depth + 1)
            }
            return .array(items)
        case .string(let text) where roll < 60:
            switch random.next() % 7 {
            case 0: return .string("")
            case 1: return .string(String(repeating: text.isEmpty ? "x" : text, count: 1 + Int(random.next() % 300)))
            case 2: return .string(String(text.dropFirst()))
            case 3: return .string(text.uppercased())
            case 4: return .string(text + "é")
            case 5: return .string(String(text.reversed()))
            default: return .string(text.replacingFirst("-", with: "_"))
            }
        case .int(let number) where roll < 60:
            let choices: [JSONValue] = [.int(number + 1), .int(number - 1), .int(-number), .int(0), .double(Double(number) + 0.5), .double(Double(number)), .int(number * 1000)]
            return choices[Int(random.next() % UInt64(choices.count))]
        default:
            return replacement(&random)
        }
    }

    static func replacement(_ random: inout SeededGenerator) -> JSONValue {
        let choices: [JSONValue] = [
            .null, true, false, 0, -1, 7, 2.5, 1e300, "", "x", "user", "2027-01-10T18:00:00Z", "2027-01-10", .string(uuid),
            [], ["x"], [1, 1], [:], ["a": 1], ["row": "A", "number": 1],
        ]
        return choices[Int(random.next() % UInt64(choices.count))]
    }
}

extension String {
    fileprivate func replacingFirst(_ target: Character, with replacement: Character) -> String {
        guard let index = firstIndex(of: target) else { return self + "!" }
        var copy = self
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }
}
