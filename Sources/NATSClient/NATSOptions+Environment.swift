import Foundation

extension NATSOptions {
    /// The environment variables NATS tools read (the `nats` CLI's names), each one setting what
    /// its flag would.
    public enum EnvironmentVariable {
        /// Server URLs, comma-separated.
        public static let url = "NATS_URL"
        public static let user = "NATS_USER"
        public static let password = "NATS_PASSWORD"
        /// A `.creds` file (user JWT and NKey seed).
        public static let credentials = "NATS_CREDS"
        /// A file holding an NKey seed (`SU…`).
        public static let nkey = "NATS_NKEY"
        /// TLS: the CA file that signs the servers' certificates, the client's certificate and key.
        public static let certificateAuthority = "NATS_CA"
        public static let certificate = "NATS_CERT"
        public static let key = "NATS_KEY"
    }

    /// Options from the environment, as NATS tools take them: `NATS_URL` (comma-separated),
    /// `NATS_USER`, `NATS_PASSWORD`, `NATS_CREDS`, `NATS_NKEY` (a seed file), `NATS_CA`,
    /// `NATS_CERT`, `NATS_KEY`. Unset or empty variables leave the defaults (127.0.0.1:4222, no
    /// credentials, TLS only when a server requires it); a `NATS_URL` of commas alone leaves no
    /// server, which `connect` refuses. User and password are taken as they are, spaces included.
    /// - Throws: `NATSClientError(.invalidCredentials)` when the NKey seed file cannot be read.
    public init(environment: [String: String], name: String? = nil) throws(NATSClientError) {
        func value(_ variable: String, trimmed: Bool = true) -> String? {
            guard let raw = environment[variable], !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return trimmed ? raw.trimmingCharacters(in: .whitespaces) : raw
        }
        self.init(name: name)
        if let urls = value(EnvironmentVariable.url) {
            servers = urls.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        user = value(EnvironmentVariable.user, trimmed: false)
        password = value(EnvironmentVariable.password, trimmed: false)
        credentialsFile = value(EnvironmentVariable.credentials)
        if let file = value(EnvironmentVariable.nkey) { nkeySeed = try Self.nkeySeed(contentsOf: file) }
        let (ca, certificate, key) = (
            value(EnvironmentVariable.certificateAuthority), value(EnvironmentVariable.certificate), value(EnvironmentVariable.key)
        )
        if ca != nil || certificate != nil || key != nil {
            tls = NATSTLSOptions(caFile: ca, certificateFile: certificate, keyFile: key)
        }
    }

    /// The NKey seed in `file` (its first non-empty line, as `nk` writes it).
    /// - Throws: `NATSClientError(.invalidCredentials)` naming the file.
    public static func nkeySeed(contentsOf file: String) throws(NATSClientError) -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
            let seed = text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty })
        else {
            throw NATSClientError(.invalidCredentials, "cannot read the NKey seed file \(file)")
        }
        return seed
    }
}
