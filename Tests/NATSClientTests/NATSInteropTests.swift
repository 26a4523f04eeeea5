import Foundation
import NATSClient
import NATSWire
import NIOCore
import TestSupport
import Testing

/// Interoperability with an independent client, nats-py (scripts/nats-py-interop.py), through a
/// real nats-server: each side's requests, replies, headers and plain messages reach the other.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSInteropTests {
    @Test func natsPyAnswersThisClientsRequestsAndReceivesItsMessages() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let python = try NATSPy(["respond", server.url, "interop.py", "20"])
        defer { python.stop() }

        // nats-py subscribes when it has started: until then nobody responds (bounded: 10 s).
        var first: InboundMessage?
        for _ in 0..<100 where first == nil && python.isRunning {
            first = try? await connection.request("interop.py", payload: ByteBuffer(string: "q0"), headers: trace(0), timeout: .seconds(2))
            if first == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        var replies = [try #require(first, "nats-py never answered: \(python.errors)")]
        for index in 1..<20 {
            replies.append(try await connection.request("interop.py", payload: ByteBuffer(string: "q\(index)"), headers: trace(index)))
        }
        #expect(replies.map { String(buffer: $0.payload) } == (0..<20).map { "py:q\($0)" })
        #expect(replies.map { $0.headers?["Trace"] } == (0..<20).map { String($0) })
        #expect(replies.allSatisfy { $0.headers?["Replied-By"] == "nats-py" })

        for index in 0..<20 { try connection.publish("interop.py.plain", payload: ByteBuffer(string: "p\(index)"), headers: trace(index)) }
        try await connection.flush()
        let status = try await python.exitStatus(within: .seconds(20))
        #expect(status == 0, "nats-py: \(python.errors)")
        await connection.close()
    }

    @Test func thisClientAnswersNatsPysRequestsAndReceivesItsMessages() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let connection = try await server.connect()
        let requests = try await connection.subscribe("interop.swift")
        let plain = try await connection.subscribe("interop.swift.plain")
        Task {
            for await message in requests {
                guard let replyTo = message.replyTo else { continue }
                let reply = ByteBuffer(string: "swift:" + String(buffer: message.payload))
                try? connection.publish(replyTo, payload: reply, headers: message.headers)
            }
        }
        try await connection.flush()

        let python = try NATSPy(["request", server.url, "interop.swift", "20"])
        defer { python.stop() }
        let status = try await python.exitStatus(within: .seconds(20))
        #expect(status == 0, "nats-py: \(python.errors)")
        // nats-py flushed before it exited: after our own flush, its messages are all here.
        try await connection.flush()
        plain.unsubscribe()
        var received: [InboundMessage] = []
        for await message in plain { received.append(message) }
        #expect(received.map { String(buffer: $0.payload) } == (0..<20).map { "p\($0)" })
        #expect(received.map { $0.headers?["Trace"] } == (0..<20).map { String($0) })
        requests.unsubscribe()
        await connection.close()
    }

    func trace(_ index: Int) -> NATSHeaders {
        var headers = NATSHeaders(status: nil)
        headers.add("Trace", String(index))
        return headers
    }
}

/// scripts/nats-py-interop.py running in a process of its own, ended by its PID.
final class NATSPy {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/nats-py-interop.py")

    private let process: ChildProcess
    private let errorFile: URL

    init(_ arguments: [String]) throws {
        errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("nats-py-\(UUID().uuidString).log")
        process = try ChildProcess(
            ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", [Self.script.path] + arguments, errors: errorFile)
    }

    var isRunning: Bool { process.isRunning }

    /// The exit status; nil if still running after `timeout`.
    func exitStatus(within timeout: Duration) async throws -> Int32? {
        await process.exit(within: timeout)?.status
    }

    /// What the script wrote to stderr.
    var errors: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    func stop() {
        process.kill()
        try? FileManager.default.removeItem(at: errorFile)
    }
}
