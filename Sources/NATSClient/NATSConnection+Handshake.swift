import Foundation
import NATSWire
import NIOCore
import NIOSSL

/// What a connection proves about itself at every (re)connect: TLS first when either side wants
/// it, then CONNECT with user/password, token, NKey signature or user JWT. Confined to the
/// connection's event loop.
final class ConnectionSecurity {
    private let options: NATSOptions
    private let nkey: NKeyPair?
    /// The last `.creds` file read successfully; a file that turns unreadable later keeps it.
    private var credentials: NATSCredentials?
    private var tlsContext: NIOSSLContext?

    /// Checks every credential and TLS file now, so that a bad one fails `connect` clearly
    /// instead of every handshake silently.
    init(_ options: NATSOptions) throws(NATSClientError) {
        self.options = options
        self.nkey = try options.nkeySeed.map { seed throws(NATSClientError) in try NKeyPair(seed: seed) }
        self.credentials = try options.credentialsFile.map { path throws(NATSClientError) in try NATSCredentials(contentsOf: path) }
        self.tlsContext = try options.tls?.makeContext()
    }

    /// Whether this handshake needs TLS.
    /// - Throws: when the client insists on TLS and the server offers none.
    func wantsTLS(_ info: ServerInfo, _ server: ServerAddress) throws(NATSClientError) -> Bool {
        let clientWants = options.tls != nil || server.tls
        if clientWants, !info.tlsRequired, !info.tlsAvailable {
            throw NATSClientError(.invalidTLS, "\(server) does not offer TLS")
        }
        return clientWants || info.tlsRequired
    }

    /// The TLS handler for one connection to `server`.
    func tlsHandler(for server: ServerAddress) throws -> NIOSSLClientHandler {
        let context = try tlsContext ?? NATSTLSOptions().makeContext()
        tlsContext = context
        return try NIOSSLClientHandler(context: context, serverHostname: server.tlsServerName)
    }

    /// CONNECT's fields for this server: the URL's credentials when it has some
    /// (`nats://user:pass@host`, or `nats://token@host`), else the options' user, token and NKey
    /// (as nats.go does: a URL given for one server wins over `NATS_USER` and the like). A
    /// `.creds` file's JWT goes along either way.
    func connectInfo(_ info: ServerInfo, _ server: ServerAddress, tls: Bool) -> ConnectInfo {
        var connect = ConnectInfo(name: options.name)
        connect.tlsRequired = tls
        let urlHasCredentials = server.user != nil
        if let user = server.user {
            if let password = server.password { (connect.user, connect.pass) = (user, password) } else { connect.authToken = user }
        } else {
            if let user = options.user { (connect.user, connect.pass) = (user, options.password) }
            if let token = options.token { connect.authToken = token }
        }
        connect.echo = !options.noEcho
        if let path = options.credentialsFile, let fresh = try? NATSCredentials(contentsOf: path) { credentials = fresh }
        if let credentials {
            connect.jwt = credentials.jwt
            connect.sig = info.nonce.map(credentials.keyPair.signNonce)
        } else if let nkey, !urlHasCredentials {
            connect.nkey = nkey.publicKey
            connect.sig = info.nonce.map(nkey.signNonce)
        }
        return connect
    }
}

extension NATSConnection {
    /// INFO arrived: upgrade to TLS when wanted (CONNECT follows the handshake), else CONNECT now.
    func startHandshake(_ info: ServerInfo, _ server: ServerAddress) {
        guard let channel else { return }
        // A server of protocol 0 (before nats-server 1.2) ignores `echo: false`: it would deliver
        // what the user asked not to get.
        if options.noEcho, info.proto < 1 {
            lastFailure = "\(server): noEcho needs a server of protocol 1 or later; it speaks protocol \(info.proto)"
            return channel.close(promise: nil)
        }
        do {
            guard try security.wantsTLS(info, server) else { return sendConnect(info, server, tls: false) }
            try channel.pipeline.syncOperations.addHandler(try security.tlsHandler(for: server), position: .first)
            pendingTLSHandshake = (info, server)
        } catch let error as NATSClientError {
            lastFailure = error.description
            channel.close(promise: nil)
        } catch {
            lastFailure = "\(server): TLS: \(error)"
            channel.close(promise: nil)
        }
    }

    /// TLS was started on `channel` and its handshake is not done yet.
    func awaitsTLSHandshake(on channel: any Channel) -> Bool {
        channel === self.channel && pendingTLSHandshake != nil
    }

    /// The TLS handshake of the current channel is done: now CONNECT.
    func tlsHandshakeCompleted(on channel: any Channel) {
        guard channel === self.channel, let (info, server) = pendingTLSHandshake else { return }
        pendingTLSHandshake = nil
        sendConnect(info, server, tls: true)
    }

    private func sendConnect(_ info: ServerInfo, _ server: ServerAddress, tls: Bool) {
        write(.connect(security.connectInfo(info, server, tls: tls)))
        write(.ping)
    }

    /// An error on the current channel (TLS, protocol): kept for the error `connect` reports.
    func channelFailed(_ channel: any Channel, _ error: any Error) {
        guard channel === self.channel else { return }
        let server: String = if case .handshaking(let server, _) = machine.state { "\(server): " } else { "" }
        lastFailure = server + (error is NIOSSLError || error is BoringSSLError ? Self.describeTLS(error) : "\(error)")
    }

    /// TLS errors in words a user can act on; BoringSSL's own text follows.
    static func describeTLS(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the server's certificate is not trusted or does not name this host (give its CA: tls caFile, --tls-ca)"
        }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE") {
            return "TLS: the server refused the handshake; does it want a client certificate (tls certificateFile and keyFile, --tls-cert/--tls-key)? \(text)"
        }
        return "TLS: \(text)"
    }
}
