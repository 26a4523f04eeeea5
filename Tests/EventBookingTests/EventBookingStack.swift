import EventBooking
import Foundation
import MessagingRuntime
import NATSClient
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// nats-server and the whole event-booking system (the chosen services and the gateway, as
/// `event-booking serve` wires them) on loopback, with its SQLite files in a temporary folder.
final class EventBookingStack: Sendable {
    static let secret = "an-event-booking-test-secret-of-32+-bytes"
    let server: NATSServer
    let http: HTTPTestClient
    /// A client connection of the test itself (to watch events, to ask `$SRV.PING`).
    let nats: NATSConnection
    let system: EventBookingServer
    let dataDirectory: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// - Parameter redis: a redis-server for the locks and idempotency stores, if any.
    init(
        components: [EventBookingConfiguration.Component] = EventBookingConfiguration.Component.allCases, redis: RedisServer? = nil
    ) async throws {
        server = try NATSServer(jetStream: true)
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("event-booking-\(UUID().uuidString)")
        var configuration = EventBookingConfiguration(tokenSecret: Self.secret)
        configuration.nats.servers = [server.url]
        configuration.httpPort = try NATSServer.freePort()
        configuration.dataDirectory = dataDirectory.path
        configuration.components = components
        configuration.redisURL = redis?.url
        // Cheap hashes keep the tests fast; PasswordHasherTests checks the real count.
        configuration.passwordHasher = PasswordHasher(iterations: 1_000)
        let system = try await EventBookingServer(configuration: configuration)
        self.system = system
        nats = try await NATSConnection.connect(NATSOptions(servers: [server.url]))
        let group = system.serviceGroup(signals: [])
        self.group = group
        let failure = Mutex<(any Error)?>(nil)
        task = Task {
            do { try await group.run() } catch {
                failure.withLock { $0 = error }
                throw error
            }
        }
        http = HTTPTestClient(port: configuration.httpPort)
        let services = components.filter { $0 != .gateway }.map(\.rawValue)
        for _ in 0..<250 {
            var ready = (try? await http.send("GET", "/readyz"))?.status == 200
            for service in services where ready {
                ready = (try? await nats.request("$SRV.PING.\(service)", timeout: .milliseconds(100))) != nil
            }
            if ready { return }
            if let error = failure.withLock({ $0 }) {
                Issue.record("the stack stopped before it was ready: \(error)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the stack did not become ready")
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        await system.close()
        await nats.close()
        server.stop()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    // MARK: Conveniences of the tests

    /// Registers an account and signs it in.
    /// - Returns: the bearer header and the user's id.
    func signUp(_ name: String, role: String = "user") async throws -> (headers: [String: String], id: String) {
        let email = "\(name)@example.com"
        let registered = try await http.send(
            "POST", "/auth/register", json: #"{"email":"\#(email)","password":"password of \#(name)","role":"\#(role)"}"#)
        #expect(registered.status == 201, "\(registered.text)")
        let session = try await http.send("POST", "/auth/login", json: #"{"email":"\#(email)","password":"password of \#(name)"}"#)
        #expect(session.status == 200, "\(session.text)")
        let token = try #require(session.json?["accessToken"] as? String)
        let id = try #require((session.json?["user"] as? [String: Any])?["id"] as? String)
        return (["Authorization": "Bearer \(token)"], id)
    }

    /// Creates an event as `organizer` and, unless asked not to, publishes it.
    /// - Returns: the event's id.
    func createEvent(
        by organizer: [String: String], title: String = "Swift meetup", city: String = "Lyon", startsAt: String = "2031-01-10T18:00:00Z",
        capacity: Int = 3, priceCents: Int = 2500, publish: Bool = true
    ) async throws -> String {
        let endsAt = startsAt.replacingOccurrences(of: "T18:", with: "T21:")
        let body = """
            {"title":"\(title)","venue":{"name":"Hall","city":"\(city)"},"startsAt":"\(startsAt)","endsAt":"\(endsAt)",\
            "capacity":\(capacity),"priceCents":\(priceCents)}
            """
        let created = try await http.send("POST", "/events", json: body, headers: organizer)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json?["id"] as? String)
        if publish {
            let published = try await http.send("POST", "/events/\(id)/publish", json: "{}", headers: organizer)
            #expect(published.status == 200 && published.json?["status"] as? String == "published", "\(published.text)")
        }
        return id
    }

    /// Books `seats` (such as `["A1", "A2"]`) of an event.
    func book(_ eventID: String, seats: [String], as user: [String: String]) async throws -> HTTPTestClient.Response {
        let list = seats.map { seat in #"{"row":"\#(seat.prefix(1))","number":\#(seat.dropFirst())}"# }.joined(separator: ",")
        let body = #"{"eventId":"\#(eventID)","seats":[\#(list)],"payment":{"method":"card","token":"tok_visa_4242","last4":"4242"}}"#
        return try await http.send("POST", "/bookings", json: body, headers: user)
    }

    /// The event's seats available once they reach `expected` (they follow booking events, so
    /// they change shortly after a booking's reply), or the last value seen after 5 s.
    func seatsAvailable(_ eventID: String, becomes expected: Int) async throws -> Int? {
        var seen: Int?
        for _ in 0..<250 {
            seen = try await http.send("GET", "/events/\(eventID)").json?["seatsAvailable"] as? Int
            if seen == expected { return seen }
            try await Task.sleep(for: .milliseconds(20))
        }
        return seen
    }
}
