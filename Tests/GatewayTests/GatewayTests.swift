import AccessTokens
import Foundation
import Gateway
import GeneratedSchemas
import MessagingRuntime
import NATSClient
import Prometheus
import ServiceHost
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// The auth service the gateway talks to in these tests.
final class TestAuth: Auth.Handler {
    let emails = Mutex<Set<String>>([])
    let traces = Mutex<[TraceContext]>([])
    let delay: Duration

    init(delay: Duration = .zero) { self.delay = delay }

    func register(_ request: Auth.RegisterRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        if let trace = context.trace { traces.withLock { $0.append(trace) } }
        if delay > .zero { try await Task.sleep(for: delay) }
        guard emails.withLock({ $0.insert(request.email).inserted }) else { throw Auth.ErrorCode.emailTaken }
        return Auth.UserProfile(id: UUID(), email: request.email, role: request.role, displayName: context.correlationId, createdAt: .now)
    }

    func login(_ request: Auth.LoginRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }
    func refresh(_ request: Auth.RefreshRequest, context: HandlerContext) async throws -> Auth.Session { throw NotImplemented() }

    func me(_ request: Auth.MeRequest, context: HandlerContext) async throws -> Auth.UserProfile {
        guard let caller = context.caller else { throw Auth.ErrorCode.invalidToken }
        return Auth.UserProfile(id: UUID(), email: caller.id, role: Auth.Role(rawValue: caller.role ?? "") ?? .user, createdAt: .now)
    }
}

/// nats-server, an auth service host and the gateway with every generated route, on loopback.
final class Stack: Sendable {
    static let secret = "a-test-secret-of-at-least-32-bytes!!"
    let server: NATSServer
    let http: HTTPTestClient
    let tokens: AccessTokens
    let gatewayNATS: NATSConnection
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(
        auth: TestAuth = TestAuth(), maxBodyBytes: Int = 1024 * 1024, idempotency: (any IdempotencyGuard)? = nil,
        notReadyReason: @escaping @Sendable () -> String? = { nil }
    ) async throws {
        server = try NATSServer(jetStream: true)
        tokens = try await AccessTokens(secret: Self.secret)
        let hostNATS = try await NATSConnection.connect(NATSOptions(servers: [server.url]))
        let registry = PrometheusCollectorRegistry()
        var hostOptions = ServiceHostOptions()
        hostOptions.metrics = PrometheusMetricsFactory(registry: registry)
        let host = ServiceHost(name: "auth", nats: hostNATS, options: hostOptions)
        Auth.serve(auth, with: host)
        gatewayNATS = try await NATSConnection.connect(NATSOptions(servers: [server.url]))
        var options = GatewayOptions()
        options.port = try NATSServer.freePort()
        options.tokens = tokens
        options.maxBodyBytes = maxBodyBytes
        options.idempotency = idempotency
        options.metrics = registry
        options.notReadyReason = notReadyReason
        let gateway = Gateway(nats: gatewayNATS, options: options)
        Auth.routes(into: gateway)
        Events.routes(into: gateway)
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: host), .init(service: gateway.server())], logger: .init(label: "test"))
        configuration.gracefulShutdownSignals = []
        let group = ServiceGroup(configuration: configuration)
        self.group = group
        task = Task { try await group.run() }
        http = HTTPTestClient(port: options.port)
        for _ in 0..<200 {
            if (try? await http.send("GET", "/healthz"))?.status == 200,
                (try? await gatewayNATS.request("$SRV.PING", timeout: .milliseconds(100))) != nil
            {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        await gatewayNATS.close()
        server.stop()
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct GatewayTests {
    static let alice = #"{"email":"alice@example.com","password":"correct horse battery","role":"organizer"}"#
    static let bob = #"{"email":"bob@example.com","password":"correct horse battery","role":"user"}"#

    @Test func aRequestTravelsHTTPToNATSToTheHandlerAndBack() async throws {
        let auth = TestAuth()
        let stack = try await Stack(auth: auth)
        let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let created = try await stack.http.send(
            "POST", "/auth/register", json: Self.alice, headers: ["X-Correlation-Id": "trace-me-1", "traceparent": traceparent])
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json?["email"] as? String == "alice@example.com" && created.json?["role"] as? String == "organizer")
        #expect(created.json?["displayName"] as? String == "trace-me-1", "the handler saw the client's correlation id")
        #expect(created.header("X-Correlation-Id") == "trace-me-1")
        #expect(created.header("Content-Type") == "application/json")
        let seen = try #require(auth.traces.withLock { $0.first })
        #expect(seen.traceID == "0af7651916cd43dd8448eb211c80319c" && seen.parentID != "b7ad6b7169203331", "the handler continues the client's trace")
        #expect(created.header("traceresponse") == seen.traceparent)

        let again = try await stack.http.send("POST", "/auth/register", json: Self.alice)
        #expect(again.status == 409 && again.error?["code"] as? String == "EmailTaken")
        let generated = try #require(again.header("X-Correlation-Id"))
        #expect(again.error?["correlationId"] as? String == generated && generated.count == 36)

        let token = try await stack.tokens.issue(subject: "alice@example.com", role: "organizer", lifetime: .seconds(60))
        let me = try await stack.http.send("GET", "/auth/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(me.status == 200 && me.json?["email"] as? String == "alice@example.com", "the caller reached the service")
        #expect(try await stack.http.send("GET", "/healthz").status == 200)
        #expect(try await stack.http.send("GET", "/readyz").status == 200)
        let metrics = try await stack.http.send("GET", "/metrics")
        #expect(metrics.status == 200 && metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        let lines = metrics.text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("http_requests_total{") && $0.contains(#"route="/auth/register""#) && $0.contains(#"status="409""#) && $0.hasSuffix(" 1") })
        for status in ["ok", "409"] {
            #expect(lines.contains {
                $0.hasPrefix("switchboard_messages_total{") && $0.contains(#"endpoint="auth.register""#) && $0.contains(#"status="\#(status)""#)
                    && $0.hasSuffix(" 1")
            }, "one \(status) message of auth.register counted")
        }
        #expect(lines.contains { $0.hasPrefix("switchboard_handler_duration_seconds_count{") && $0.contains(#"endpoint="auth.register""#) && $0.hasSuffix(" 2") })
        #expect(lines.contains { $0.hasPrefix("http_request_duration_seconds_bucket{") })
        try await stack.stop()
    }

    @Test func everyErrorStatusHasItsJSONBody() async throws {
        let stack = try await Stack(maxBodyBytes: 4096)
        let http = stack.http

        let invalid = try await http.send("POST", "/auth/register", json: #"{"email":"nope","password":"short","role":"root"}"#)
        #expect(invalid.status == 400 && invalid.error?["code"] as? String == "validation_failed")
        #expect((invalid.error?["issues"] as? [[String: Any]])?.compactMap { ($0["path"] as? [Any])?.first as? String } == ["email", "password", "role"])
        let broken = try await http.send("POST", "/auth/register", json: #"{"email": "#)
        #expect(broken.status == 400 && broken.text.contains("invalid_json"))
        let array = try await http.send("POST", "/auth/register", json: "[1]")
        #expect(array.status == 400 && array.text.contains("invalid_type"))
        let form = try await http.send("POST", "/auth/register", headers: ["Content-Type": "text/plain"])
        #expect(form.status == 415 && form.error?["code"] as? String == "unsupported_media_type")
        let huge = try await http.send("POST", "/auth/register", json: #"{"email":"\#(String(repeating: "a", count: 5000))"}"#)
        #expect(huge.status == 413 && huge.error?["code"] as? String == "payload_too_large")
        let wrongMethod = try await http.send("DELETE", "/auth/register")
        #expect(wrongMethod.status == 405 && wrongMethod.header("Allow") == "POST" && wrongMethod.error?["code"] as? String == "method_not_allowed")
        #expect(try await http.send("PUT", "/events/\(UUID())").header("Allow") == "GET, PATCH")
        let unknown = try await http.send("GET", "/nowhere")
        #expect(unknown.status == 404 && unknown.error?["code"] as? String == "not_found" && unknown.header("X-Correlation-Id") != nil)

        #expect(try await http.send("GET", "/auth/me").status == 401)
        let forged = try await http.send("GET", "/auth/me", headers: ["Authorization": "Bearer not.a.token"])
        #expect(forged.status == 401 && forged.error?["message"] as? String == "the token is not valid")
        let expired = try await stack.tokens.issue(subject: "bob", role: "user", lifetime: .seconds(60), now: Date().addingTimeInterval(-120))
        #expect(try await http.send("GET", "/auth/me", headers: ["Authorization": "Bearer \(expired)"]).error?["message"] as? String == "the token has expired")
        let user = try await stack.tokens.issue(subject: "bob", role: "user", lifetime: .seconds(60))
        let organizer = try await stack.tokens.issue(subject: "olga", role: "organizer", lifetime: .seconds(60))
        let event = #"{"title":"Swift meetup","venue":{"name":"Hall","city":"Lyon"},"startsAt":"2027-01-10T18:00:00Z","endsAt":"2027-01-10T21:00:00Z","capacity":50,"priceCents":0}"#
        let forbidden = try await http.send("POST", "/events", json: event, headers: ["Authorization": "Bearer \(user)"])
        #expect(forbidden.status == 403 && forbidden.error?["code"] as? String == "forbidden")

        // No events service runs: 503 with Retry-After, once the request is valid.
        let nobody = try await http.send("POST", "/events", json: event, headers: ["Authorization": "Bearer \(organizer)"])
        #expect(nobody.status == 503 && nobody.header("Retry-After") == "1", "\(nobody.text)")
        // Query parameters become typed fields before validation.
        let badLimit = try await http.send("GET", "/events?limit=many")
        #expect(badLimit.status == 400 && badLimit.text.contains("limit"))
        #expect(try await http.send("GET", "/events?limit=10&city=Lyon").status == 503)
        let badID = try await http.send("GET", "/events/not-a-uuid")
        #expect(badID.status == 400 && badID.text.contains("eventId"))

        let notImplemented = try await http.send("POST", "/auth/login", json: #"{"email":"a@b.co","password":"x"}"#)
        #expect(notImplemented.status == 501)
        try await stack.stop()
    }

    /// nats-server restarts under a running gateway and service: once it has been down a while the
    /// gateway says so at once (503, not ready), and afterwards both carry on without a restart of
    /// their own.
    @Test func aBrokerRestartNeedsNoServiceRestart() async throws {
        let stack = try await Stack()
        #expect(try await stack.http.send("POST", "/auth/register", json: Self.alice).status == 201)

        stack.server.stop()
        for _ in 0..<100 where try await stack.http.send("GET", "/readyz").status == 200 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try await stack.http.send("GET", "/readyz").status == 503)
        // Routes wait out a short gap in the reconnect buffer; past a second away they refuse.
        for _ in 0..<100 where !stack.gatewayNATS.isAway() { try await Task.sleep(for: .milliseconds(20)) }
        let started = ContinuousClock.now
        let down = try await stack.http.send("POST", "/auth/register", json: Self.bob)
        #expect(down.status == 503 && down.error?["code"] as? String == "unavailable", "\(down.status) \(down.text)")
        #expect(ContinuousClock.now - started < .seconds(2), "refused at once, not after the route's 2 s timeout")

        try stack.server.start()
        // Back: the gateway reconnects, the service resubscribes (bounded wait).
        var again = try await stack.http.send("POST", "/auth/register", json: Self.bob)
        for _ in 0..<150 where again.status != 201 {
            try await Task.sleep(for: .milliseconds(50))
            again = try await stack.http.send("POST", "/auth/register", json: Self.bob)
        }
        #expect(again.status == 201, "\(again.status) \(again.text)")
        #expect(try await stack.http.send("GET", "/readyz").status == 200)
        #expect(try await stack.http.send("POST", "/auth/register", json: Self.alice).status == 409, "the same service, its state kept")
        try await stack.stop()
    }

    /// `/readyz` also waits for what the process says it needs (its own services serving, in
    /// event-booking), with the reason, then says ready.
    @Test func readinessWaitsForWhatTheProcessNeeds() async throws {
        let waitingFor = WaitingFor()
        let stack = try await Stack(notReadyReason: { waitingFor.reason.withLock { $0 } })
        let notYet = try await stack.http.send("GET", "/readyz")
        #expect(notYet.status == 503 && notYet.header("Retry-After") == "1" && notYet.text.contains("auth not serving yet"), "\(notYet.text)")
        waitingFor.reason.withLock { $0 = nil }
        #expect(try await stack.http.send("GET", "/readyz").status == 200)
        try await stack.stop()
    }

    final class WaitingFor: Sendable {
        let reason = Mutex<String?>("auth not serving yet")
    }

    @Test func aSlowServiceIsATimeoutAndALostBusIsNotReady() async throws {
        let stack = try await Stack(auth: TestAuth(delay: .milliseconds(2500)))
        let slow = try await stack.http.send("POST", "/auth/register", json: Self.alice)
        #expect(slow.status == 504 && slow.error?["code"] as? String == "timeout")
        await stack.gatewayNATS.close()
        let notReady = try await stack.http.send("GET", "/readyz")
        #expect(notReady.status == 503 && notReady.header("Retry-After") == "1")
        #expect(try await stack.http.send("GET", "/healthz").status == 200, "the process is still up")
        try await stack.stop()
    }
}
