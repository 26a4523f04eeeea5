import Foundation
@testable import Gateway
import GeneratedSchemas
import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1
import NATSClient
import ServiceLifecycle
import TestSupport
import Testing

/// The gateway's HTTP/1.1 connection handling, byte for byte over loopback: pipelining,
/// keep-alive and close, interim responses, malformed requests, idle connections and shutdown.
/// (GatewayTests covers the routes, statuses and bodies.)
@Suite(.serialized, .timeLimit(.minutes(1))) struct GatewayHTTPTests {
    /// nats-server and a gateway with the auth routes and no service behind them.
    final class Fixture: Sendable {
        let server: NATSServer
        let nats: NATSConnection
        let port: Int
        private let group: ServiceGroup
        private let task: Task<Void, any Error>

        init(idleTimeout: Duration = .seconds(60), maxBodyBytes: Int = 1024) async throws {
            server = try NATSServer()
            nats = try await NATSConnection.connect(NATSOptions(servers: [server.url]))
            var options = GatewayOptions()
            options.port = try NATSServer.freePort()
            options.idleTimeout = idleTimeout
            options.maxBodyBytes = maxBodyBytes
            port = options.port
            let gateway = Gateway(nats: nats, options: options)
            Auth.routes(into: gateway)
            var configuration = ServiceGroupConfiguration(services: [.init(service: gateway.server())], logger: .init(label: "test"))
            configuration.gracefulShutdownSignals = []
            let group = ServiceGroup(configuration: configuration)
            self.group = group
            task = Task { try await group.run() }
            let http = HTTPTestClient(port: port)
            for _ in 0..<200 {
                if (try? await http.send("GET", "/healthz"))?.status == 200 { return }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        func shutDown() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }

        func stop() async throws {
            try await shutDown()
            await nats.close()
            server.stop()
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderOnOneConnection() async throws {
        let fixture = try await Fixture()
        let connection = try RawHTTPConnection(port: fixture.port)
        try connection.send(
            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        let first = try #require(try connection.readResponse())
        let second = try #require(try connection.readResponse())
        let third = try #require(try connection.readResponse())
        #expect(first.status == 200 && first.body == #"{"status":"ok"}"#)
        #expect(first.fields["content-length"] == "15" && first.fields["server"] == "switchboard")
        #expect(first.fields["date"]?.hasSuffix(" GMT") == true && first.fields["x-correlation-id"] != nil)
        #expect(second.status == 404 && second.body.contains(#""code":"not_found""#))
        #expect(third.status == 400 && third.body.contains(#""code":"validation_failed""#), "\(third.body)")
        try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try connection.readResponse()?.status == 200, "the connection is kept alive")
        try await fixture.stop()
    }

    @Test func manyPipelinedRequestsFromAClientThatReadsLateAreAnsweredInOrder() async throws {
        let fixture = try await Fixture()
        // More requests than may wait (reading pauses and resumes), a small receive buffer and a late reader.
        let connection = try RawHTTPConnection(port: fixture.port, receiveBuffer: 4096)
        let count = 4_000
        let sender = Task.detached {
            let batch = String(repeating: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", count: 50)
            for _ in 0..<(count / 100) { try connection.send(batch) }
        }
        try await Task.sleep(for: .milliseconds(300))
        var statuses: [Int] = []
        while statuses.count < count, let response = try connection.readResponse() { statuses.append(response.status) }
        try await sender.value
        #expect(statuses.count == count)
        #expect(statuses.enumerated().allSatisfy { $0.element == ($0.offset.isMultiple(of: 2) ? 200 : 404) }, "in order")
        try await fixture.stop()
    }

    @Test func connectionCloseAndHTTP10AreHonoured() async throws {
        let fixture = try await Fixture()
        let closing = try RawHTTPConnection(port: fixture.port)
        try closing.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let answer = try #require(try closing.readResponse())
        #expect(answer.status == 200 && answer.fields["connection"] == "close")
        #expect(try closing.waitForClose())

        let old = try RawHTTPConnection(port: fixture.port)
        try old.send("GET /healthz HTTP/1.0\r\n\r\n")
        #expect(try old.readResponse()?.status == 200)
        #expect(try old.waitForClose(), "HTTP/1.0 without keep-alive closes after the response")

        let kept = try RawHTTPConnection(port: fixture.port)
        try kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let first = try #require(try kept.readResponse())
        #expect(first.status == 200 && first.fields["connection"] == "keep-alive")
        try kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try kept.readResponse()?.status == 200)
        try await fixture.stop()
    }

    @Test func aMalformedRequestGets400AndTheConnectionCloses() async throws {
        let fixture = try await Fixture()
        let connection = try RawHTTPConnection(port: fixture.port)
        try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n")
        let answer = try #require(try connection.readResponse())
        #expect(answer.status == 400 && answer.fields["connection"] == "close")
        #expect(try connection.waitForClose())
        let next = try RawHTTPConnection(port: fixture.port)
        try next.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try next.readResponse()?.status == 200, "the gateway serves other connections")
        try await fixture.stop()
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() async throws {
        let fixture = try await Fixture()
        let connection = try RawHTTPConnection(port: fixture.port)
        try connection.send(
            "POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(try connection.readResponse()?.status == 100)
        try connection.send("{}")
        #expect(try connection.readResponse()?.status == 400)
        try await fixture.stop()
    }

    @Test func aBodyOverTheLimitIs413AndTheConnectionStaysUsable() async throws {
        let fixture = try await Fixture(maxBodyBytes: 64)
        let connection = try RawHTTPConnection(port: fixture.port)
        let body = "{\"email\":\"" + String(repeating: "a", count: 5000) + "\"}"
        try connection.send(
            "POST /auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let answer = try #require(try connection.readResponse())
        #expect(answer.status == 413 && answer.body.contains(#""code":"payload_too_large""#))
        try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try connection.readResponse()?.status == 200)
        try await fixture.stop()
    }

    @Test func anIdleConnectionIsClosed() async throws {
        let fixture = try await Fixture(idleTimeout: .milliseconds(300))
        let connection = try RawHTTPConnection(port: fixture.port)
        try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try connection.readResponse()?.status == 200)
        #expect(try connection.waitForClose(), "closed by the gateway after the idle timeout (the wait gives up after 5 s)")
        try await fixture.stop()
    }

    @Test func methodsOutsideHTTPsOwnShareOneMetricsSeries() async throws {
        let fixture = try await Fixture()
        let connection = try RawHTTPConnection(port: fixture.port)
        for method in ["PURGE", "MKCOL", "GET"] {
            try connection.send("\(method) /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try connection.readResponse()?.status == (method == "GET" ? 200 : 405))
        }
        let metrics = try await HTTPTestClient(port: fixture.port).send("GET", "/metrics").text
        let counted = metrics.split(separator: "\n").filter { $0.hasPrefix("http_requests_total{") }
        #expect(counted.contains { $0.contains(#"method="_OTHER""#) && $0.contains(#"status="405""#) && $0.hasSuffix(" 2") }, "\(counted)")
        #expect(!metrics.contains("PURGE") && !metrics.contains("MKCOL"))
        try await fixture.stop()
    }

    @Test func theDateFieldIsAnIMFFixdate() {
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(1_796_000_000) == "Mon, 30 Nov 2026 00:53:20 GMT")
    }

    @Test func requestHeadsConvertAsNIODoes() throws {
        let heads: [(HTTPMethod, String, [(String, String)])] = [
            (.POST, "/auth/register", [("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"), ("Content-Length", "2")]),
            (.GET, "/events?limit=5&cursor=a%20b", [("HOST", "a"), ("host", "b"), ("Accept", "*/*"), ("X-Many", "1"), ("x-many", "2")]),
            (.DELETE, "/bookings/42", []),
            (.GET, "/", [("Cookie", "a=1; b=2"), ("bad name", "dropped"), ("Hosts", "not the host")]),
            (.PATCH, "http://example.com/events/1?x=y", [("Host", "example.com")]),  // absolute form: NIO's own conversion
            (.OPTIONS, "*", [("Host", "h")]),
            (.RAW(value: "PROPFIND"), "/dav", [("Host", "h")]),
        ]
        for (method, uri, fields) in heads {
            let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(fields))
            #expect(try HTTPRequest(gatewayHead: head) == HTTPRequest(head, secure: false, splitCookie: false), "\(method) \(uri)")
        }
        let invalid = HTTPRequestHead(version: .http1_1, method: .RAW(value: "BAD METHOD"), uri: "/", headers: [:])
        #expect(throws: (any Error).self) { try HTTPRequest(gatewayHead: invalid) }
    }

    @Test func aJSONBodyIsDeclaredAsApplicationJSONInAnyCase() {
        typealias Route = GatewayRoute<Auth.RegisterRequest, Auth.UserProfile>
        for json in ["application/json", "Application/JSON", "application/json; charset=utf-8", "APPLICATION/JSON;charset=UTF-8"] {
            #expect(Route.isJSON(json), "\(json)")
        }
        for other in ["", "text/plain", "application/jso", "application/x-www-form-urlencoded", "application\u{0F}json", "applicationOjson"] {
            #expect(!Route.isJSON(other), "\(other)")
        }
    }

    @Test func shutdownClosesIdleKeepAliveConnections() async throws {
        let fixture = try await Fixture()
        let connection = try RawHTTPConnection(port: fixture.port)
        try connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try connection.readResponse()?.status == 200)
        try await fixture.shutDown()
        #expect(try connection.waitForClose(), "the idle connection is closed, and the server's run returned")
        await fixture.nats.close()
        fixture.server.stop()
    }
}
