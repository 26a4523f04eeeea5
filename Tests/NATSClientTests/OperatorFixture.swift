import Foundation
import NATSClient

/// A NATS operator, one account and its users, as `nsc` would make them: JWTs signed with NKeys
/// (nats-jwt v2: header `ed25519-nkey`, signature over `header.payload`, base64url), and the
/// server configuration that trusts them (`resolver: MEMORY`). Made here so that the `.creds`
/// tests need no tool beyond nats-server.
struct OperatorFixture {
    let operatorKey = NKeyPair(random: .operator)
    let accountKey = NKeyPair(random: .account)

    var operatorJWT: String {
        Self.jwt(issuer: operatorKey, subject: operatorKey.publicKey, name: "switchboard-test", nats: ["type": "operator", "version": 2])
    }

    var accountJWT: String {
        let limits: [String: Any] = [
            "subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1, "wildcards": true, "conn": -1, "leaf": -1,
        ]
        return Self.jwt(issuer: operatorKey, subject: accountKey.publicKey, name: "app", nats: ["type": "account", "version": 2, "limits": limits])
    }

    /// The server configuration (without listen address and port, which the test server sets).
    var serverConfiguration: String {
        """
        operator: \(operatorJWT)
        resolver: MEMORY
        resolver_preload: {
          \(accountKey.publicKey): \(accountJWT)
        }
        """
    }

    /// A `.creds` file for a new user of the account (signed by `signer`, the account by default),
    /// with its own limits on subscriptions and payload size (-1: none), valid until `expires` (the
    /// JWT's `exp`; nil: without end).
    func credentials(
        for user: NKeyPair = NKeyPair(random: .user), signedBy signer: NKeyPair? = nil, subscriptions: Int = -1, payload: Int = -1,
        expires: Date? = nil
    ) -> String {
        let claims: [String: Any] = [
            "type": "user", "version": 2, "pub": [:] as [String: Any], "sub": [:] as [String: Any], "subs": subscriptions, "data": -1,
            "payload": payload,
        ]
        let userJWT = Self.jwt(issuer: signer ?? accountKey, subject: user.publicKey, name: "service", nats: claims, expires: expires)
        return """
            -----BEGIN NATS USER JWT-----
            \(userJWT)
            ------END NATS USER JWT------

            ************************* IMPORTANT *************************
            NKEY Seed printed below can be used to sign and prove identity.
            NKEYs are sensitive and should be treated as secrets.

            -----BEGIN USER NKEY SEED-----
            \(user.seed)
            ------END USER NKEY SEED------

            *************************************************************
            """
    }

    /// `text` (a `.creds` file) written to a file of its own in the temporary folder; the caller
    /// removes it.
    static func file(holding text: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString).creds")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func jwt(issuer: NKeyPair, subject: String, name: String, nats: [String: Any], expires: Date? = nil) -> String {
        let header = #"{"typ":"JWT","alg":"ed25519-nkey"}"#
        var claims: [String: Any] = [
            "jti": UUID().uuidString, "iat": Int(Date().timeIntervalSince1970), "iss": issuer.publicKey, "sub": subject,
            "name": name, "nats": nats,
        ]
        if let expires { claims["exp"] = Int(expires.timeIntervalSince1970.rounded(.up)) }
        let body = (try? JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])) ?? Data()
        let signed = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(body)
        return signed + "." + Base64URL.encode(issuer.sign(Data(signed.utf8)))
    }
}
