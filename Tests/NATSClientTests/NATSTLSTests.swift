import Foundation
import NATSClient
import NIOCore
import TestSupport
import Testing

/// TLS against real nats-servers with certificates made by openssl: server verification with a
/// CA file, client certificates, TLS when the server requires it, and clear failures.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSTLSTests {
    let auth = NATSAuthTests()

    @Test func verifiesTheServerWithTheGivenCA() async throws {
        let certificates = try TestCertificates()
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
        let certificates = try TestCertificates()
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
