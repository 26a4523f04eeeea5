import Foundation
@testable import NATSClient
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

/// TLS against real nats-servers with certificates made by openssl: server verification with a
/// CA file, client certificates, TLS when the server requires it, and clear failures.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSTLSTests {
    let auth = NATSAuthTests()

    @Test func verifiesTheServerWithTheGivenCA() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let server = try NATSServer(configuration: certificates.serverConfiguration())
        defer { server.stop() }

        let trusted = try await server.connect { $0.tls = NATSTLSOptions(caFile: certificates.caFile) }
        #expect(try await auth.roundTrip(trusted))
        await trusted.close()
        // By name: SNI and the certificate's DNS entry.
        let byName = try await NATSConnection.connect(
            NATSOptions(servers: ["tls://localhost:\(server.port)"]).with { $0.tls = NATSTLSOptions(caFile: certificates.caFile) })
        #expect(try await auth.roundTrip(byName))
        await byName.close()

        // The server requires TLS: a client with no TLS settings upgrades, with the system's roots,
        // which do not know this CA.
        await auth.expectRefused(server.options(), saying: "TLS")
        await auth.expectRefused(server.options { $0.tls = NATSTLSOptions(caFile: certificates.otherCAFile) }, saying: "TLS")
    }

    @Test func clientCertificatesWhenTheServerVerifiesClients() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let server = try NATSServer(configuration: certificates.serverConfiguration(verifyClients: true))
        defer { server.stop() }
        let withCertificate = try await server.connect {
            $0.tls = NATSTLSOptions(caFile: certificates.caFile, certificateFile: certificates.clientCertificate, keyFile: certificates.clientKey)
        }
        #expect(try await auth.roundTrip(withCertificate))
        await withCertificate.close()
        await auth.expectRefused(server.options { $0.tls = NATSTLSOptions(caFile: certificates.caFile) }, saying: "connection closed")
    }

    /// A TLS close waits a while (500 ms) for the server's notice, which a frozen server never
    /// sends: from the moment the client leaves, publishes wait for the next server, not the
    /// closing socket.
    @Test func publishesWhileLeavingAFrozenTLSServerWaitForTheNext() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let server = try NATSServer(configuration: certificates.serverConfiguration())
        defer { server.stop() }
        let connection = try await server.connect {
            $0.tls = NATSTLSOptions(caFile: certificates.caFile)
            $0.pingInterval = .milliseconds(400)
            $0.maxReconnectAttempts = nil
            $0.connectTimeout = .seconds(2)
        }
        let subscription = try await connection.subscribe("tls.kept")
        var messages = subscription.makeAsyncIterator()
        try await connection.flush()
        var events = connection.events.makeAsyncIterator()

        await server.freezeUntilStale(&events)
        // Not ready once it leaves, although its TLS close waits for the frozen server (500 ms):
        // looked at well within that.
        for _ in 0..<20 where connection.isReady { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!connection.isReady, "still taking publishes for a server it left")
        try connection.publish("tls.kept", payload: ByteBuffer(string: "kept"))
        // The TLS close does not wait long for the frozen server's close_notify.
        let leaving = ContinuousClock.now
        while let event = await events.next() {
            if case .disconnected = event { break }
        }
        #expect(ContinuousClock.now - leaving < .seconds(2), "not NIOSSL's default 5 s")
        server.resume()
        #expect(await messages.next().map { String(buffer: $0.payload) } == "kept")
        await connection.close()
    }

    /// Closing while leaving a frozen TLS server does not wait for its TLS close (made long here,
    /// 10 s, so that waiting for it would show).
    @Test func closingWhileLeavingAFrozenTLSServerIsImmediate() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let server = try NATSServer(configuration: certificates.serverConfiguration())
        defer { server.stop() }
        var tls = NATSTLSOptions(caFile: certificates.caFile)
        tls.closeNotifyTimeout = .seconds(10)
        let connection = try await server.connect {
            $0.tls = tls
            $0.pingInterval = .milliseconds(400)
        }
        var events = connection.events.makeAsyncIterator()
        await server.freezeUntilStale(&events)
        let closing = ContinuousClock.now
        await connection.close()
        #expect(ContinuousClock.now - closing < .seconds(2), "not the TLS close's 10 s")
        #expect(throws: NATSClientError.self) { try connection.publish("after.close", payload: ByteBuffer()) }
        server.resume()
    }

    @Test func badSettingsFailClearly() async throws {
        let plain = try NATSServer()
        defer { plain.stop() }
        await auth.expectRefused(
            NATSOptions(servers: ["tls://127.0.0.1:\(plain.port)"]), saying: "tls://127.0.0.1:\(plain.port) does not offer TLS")
        await auth.expectRefused(plain.options { $0.tls = NATSTLSOptions(caFile: "/nonexistent/ca.pem") }, saying: "cannot use the CA file /nonexistent/ca.pem")
        await auth.expectRefused(
            plain.options { $0.tls = NATSTLSOptions(certificateFile: "/tmp/x.pem") }, saying: "needs both a certificate file and a key file")
    }
}

extension NATSOptions {
    func with(_ change: (inout NATSOptions) -> Void) -> NATSOptions {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A server that only follows a script, for what a real nats-server never sends.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSTLSInjectionTests {
    let auth = NATSAuthTests()
    static let infoStartingTLS =
        #"INFO {"server_id":"scripted","version":"2.10.0","proto":1,"max_payload":1048576,"tls_required":true}"# + "\r\n"

    func options(_ server: ScriptedServer) -> NATSOptions {
        var options = NATSOptions(servers: ["nats://127.0.0.1:\(server.port)"])
        options.maxReconnectAttempts = 0
        options.connectTimeout = .seconds(5)
        return options
    }

    /// STARTTLS injection: whatever follows the INFO that starts TLS in the same read, in the
    /// clear, is refused, not decoded as if the server had sent it.
    @Test func plaintextAfterTheINFOThatStartsTLSIsRefused() async throws {
        let server = try await ScriptedServer(sends: Self.infoStartingTLS + "-ERR 'injected'\r\nINFO {\"connect_urls\":[\"10.9.9.9:4222\"]}\r\n")
        await auth.expectRefused(options(server), saying: "plaintext before TLS")
        await auth.expectRefused(options(server), saying: "in the clear after the INFO", hiding: ["injected"])
        // TLS had started (a ClientHello went out) when the rest was refused. (The client hangs
        // up by itself here: the server may read its bytes a moment later.)
        for _ in 0..<250 where server.firstBytes.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.firstBytes == [0x16, 0x16])
        await server.close()
    }

    /// The same INFO alone: the client starts TLS and nothing is refused as plaintext.
    @Test func anINFOThatStartsTLSAloneGoesOnToTheHandshake() async throws {
        let server = try await ScriptedServer(sends: Self.infoStartingTLS)
        await auth.expectRefused(options(server), saying: "connection closed")
        #expect(server.firstBytes == [0x16])
        let text = await refusal(options(server))
        #expect(!text.contains("plaintext"), "\(text)")
        await server.close()
    }

    func refusal(_ options: NATSOptions) async -> String {
        do {
            try await NATSConnection.connect(options).close()
            return "connected"
        } catch {
            return "\(error)"
        }
    }
}

/// Sends its script to each client that connects and notes the first byte the client sends
/// back; then hangs up, or, given `replies`, sends them once and stays.
final class ScriptedServer: Sendable {
    let port: Int
    private let listener: any Channel
    private let seen = Seen()

    /// The first byte each client sent, in order.
    var firstBytes: [UInt8] { seen.bytes.withLock { $0 } }

    private final class Seen: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    init(sends script: String, replies: String? = nil) async throws {
        let seen = self.seen
        listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Session(script, replies: replies, seen))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = listener.localAddress?.port ?? 0
    }

    func close() async { try? await listener.close() }

    private final class Session: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let script: String
        let seen: Seen
        /// Sent at the client's first bytes (event loop only).
        var replies: String?
        var read = false

        init(_ script: String, replies: String?, _ seen: Seen) {
            (self.script, self.replies, self.seen) = (script, replies, seen)
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(NIOAny(ByteBuffer(string: script)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !read else { return }
            read = true
            if let byte = unwrapInboundIn(data).getInteger(at: 0, as: UInt8.self) { seen.bytes.withLock { $0.append(byte) } }
            guard let replies else { return context.close(promise: nil) }
            context.writeAndFlush(NIOAny(ByteBuffer(string: replies)), promise: nil)
        }
    }
}
