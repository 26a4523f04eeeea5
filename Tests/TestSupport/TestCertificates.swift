import Foundation

/// A throw-away certificate authority with a server certificate (for 127.0.0.1 and localhost, unless told otherwise)
/// and a client certificate, made with Debian's openssl in a folder of their own.
public struct TestCertificates: Sendable {
    public let folder: URL
    public var caFile: String { path("ca.pem") }
    public var serverCertificate: String { path("server.pem") }
    public var serverKey: String { path("server.key") }
    public var clientCertificate: String { path("client.pem") }
    public var clientKey: String { path("client.key") }
    /// A second authority that signed nothing here: trusting it alone must fail verification.
    public var otherCAFile: String { path("other-ca.pem") }

    /// - Parameter serverNames: the server certificate's subjectAltName entries (a cluster's
    ///   certificates that name hosts only: `"DNS:localhost"`).
    public init(serverNames: String = "IP:127.0.0.1,DNS:localhost") async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await openssl(["req", "-x509"] + curve + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=switchboard test CA"])
        try await openssl(["req", "-x509"] + curve + ["-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=other CA"])
        for (name, usage) in [("server", "serverAuth"), ("client", "clientAuth")] {
            let names = name == "server" ? serverNames : "IP:127.0.0.1,DNS:localhost"
            try "subjectAltName=\(names)\nextendedKeyUsage=\(usage)\n"
                .write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
            try await openssl(["req"] + curve + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try await openssl([
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
            ])
        }
    }

    /// The `tls { }` block of a nats-server configuration; `verifyClients` asks for client certificates.
    public func serverConfiguration(verifyClients: Bool = false) -> String {
        """
        tls {
          cert_file: "\(serverCertificate)"
          key_file: "\(serverKey)"
          ca_file: "\(caFile)"
          verify: \(verifyClients)
          timeout: 2
        }
        """
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Runs openssl in the folder (20 s at most, suspending meanwhile); its errors are in the error thrown.
    private func openssl(_ arguments: [String]) async throws {
        let errors = folder.appendingPathComponent("openssl.log")
        let process = try ChildProcess("/usr/bin/openssl", arguments, directory: folder, errors: errors)
        let ended = await process.exit(within: .seconds(20))
        if ended == nil { process.kill() }
        guard ended == .exited(0) else {
            let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw CertificateError(message: "openssl \(arguments.first ?? "") \(ended.map { "failed (\($0))" } ?? "took over 20 s"): \(log)")
        }
    }

    struct CertificateError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
