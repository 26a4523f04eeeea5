import NIOSSL
import Resilience

/// TLS for the connection. Setting it makes the client insist on TLS; without it the client
/// still upgrades, with the system's trust roots, when a server requires TLS (as nats.go does).
public struct NATSTLSOptions: Sendable {
    /// PEM file of the certificate authorities that sign the servers' certificates; nil: the
    /// system's trust roots.
    public var caFile: String?
    /// PEM files of the client's certificate (chain) and private key, for servers that verify clients.
    public var certificateFile: String?
    public var keyFile: String?
    /// Verify the server's certificate and name (the default); off only for tests of a throw-away server.
    public var verifyServer = true
    /// How long a closing connection waits for the server's close_notify. A client that closes
    /// expects nothing more: NIOSSL's default of 5 s only delays the reconnect when the server
    /// froze (nats.go does not wait at all).
    var closeNotifyTimeout: Duration = .milliseconds(500)

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The context every connection of a client shares (loading certificates is the costly part).
    /// - Throws: `NATSClientError(.invalidTLS)` naming the file that could not be used.
    func makeContext() throws(NATSClientError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.shutdownTimeout = .nanoseconds(closeNotifyTimeout.nanosecondsSaturated)
        configuration.certificateVerification = verifyServer ? .fullVerification : .none
        if let caFile {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw NATSClientError(.invalidTLS, "cannot use the CA file \(caFile): \(error)")
            }
        }
        switch (certificateFile, keyFile) {
        case (nil, nil):
            break
        case (let certificateFile?, let keyFile?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            } catch {
                throw NATSClientError(.invalidTLS, "cannot use the certificate file \(certificateFile): \(error)")
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw NATSClientError(.invalidTLS, "cannot use the key file \(keyFile)")
            }
        default:
            throw NATSClientError(.invalidTLS, "a client certificate needs both a certificate file and a key file")
        }
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw NATSClientError(.invalidTLS, "cannot set up TLS: \(error)")
        }
    }
}
