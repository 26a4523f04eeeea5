import Foundation
import NATSClient
import Testing

/// `NATSOptions(environment:)`: the variables NATS tools read, each to its setting.
@Suite struct NATSOptionsEnvironmentTests {
    @Test func eachVariableSetsItsOption() throws {
        let seedFile = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).nk")
        try "\n  SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU  \n".write(to: seedFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: seedFile) }
        let options = try NATSOptions(environment: [
            "NATS_URL": " nats://a:4222, nats://b:4223 ,", "NATS_USER": "svc", "NATS_PASSWORD": "pw", "NATS_CREDS": "/etc/svc.creds",
            "NATS_NKEY": seedFile.path, "NATS_CA": "/etc/ca.pem", "NATS_CERT": "/etc/cert.pem", "NATS_KEY": "/etc/key.pem",
            "UNRELATED": "x",
        ], name: "svc")
        #expect(options.servers == ["nats://a:4222", "nats://b:4223"])
        #expect(options.name == "svc" && options.user == "svc" && options.password == "pw")
        #expect(options.credentialsFile == "/etc/svc.creds")
        #expect(options.nkeySeed == "SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU", "the seed's line, trimmed")
        #expect(options.tls?.caFile == "/etc/ca.pem" && options.tls?.certificateFile == "/etc/cert.pem" && options.tls?.keyFile == "/etc/key.pem")
    }

    @Test func aPasswordIsTakenAsItIs() throws {
        let options = try NATSOptions(environment: ["NATS_USER": "svc ", "NATS_PASSWORD": "  two spaces first"])
        #expect(options.user == "svc " && options.password == "  two spaces first")
    }

    @Test func unsetOrEmptyVariablesLeaveTheDefaults() throws {
        let options = try NATSOptions(environment: ["NATS_URL": "", "NATS_USER": " ", "NATS_CA": ""])
        let defaults = NATSOptions()
        #expect(options.servers == defaults.servers && options.user == nil && options.password == nil)
        #expect(options.tls == nil && options.nkeySeed == nil && options.credentialsFile == nil)
    }

    @Test func anUnreadableSeedFileIsNamed() {
        #expect(throws: NATSClientError(.invalidCredentials, "cannot read the NKey seed file /nonexistent/seed.nk")) {
            try NATSOptions(environment: ["NATS_NKEY": "/nonexistent/seed.nk"])
        }
    }
}
