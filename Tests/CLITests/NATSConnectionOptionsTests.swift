import NATSClient
import Testing

@testable import switchboard

/// How the flags of `switchboard nats` and the environment make the client's options.
@Suite struct NATSConnectionOptionsTests {
    @Test func threeReconnectsPerServerUnlessTheCommandRunsUntilStopped() throws {
        let defaults = try NATSConnectionOptions.parse([])
        #expect(try defaults.options(name: "pub", environment: [:]).maxReconnectAttempts == 3)
        #expect(try defaults.options(name: "sub", reconnectingForever: true, environment: [:]).maxReconnectAttempts == nil)
        let none = try NATSConnectionOptions.parse(["--max-reconnects", "0"])
        #expect(try none.options(name: "sub", reconnectingForever: true, environment: [:]).maxReconnectAttempts == 0)
        let five = try NATSConnectionOptions.parse(["--max-reconnects", "5"])
        #expect(try five.options(name: "pub", environment: [:]).maxReconnectAttempts == 5)
    }

    @Test func credsAndTLSComeFromTheEnvironmentUnlessFlagsAreGiven() throws {
        let environment = [
            "NATS_URL": "nats://a:4222, nats://b:4222", "NATS_CREDS": "env.creds", "NATS_USER": "env-user", "NATS_PASSWORD": "env-pass",
            "NATS_CA": "ca.pem", "NATS_CERT": "client.pem", "NATS_KEY": "client.key",
        ]
        let fromEnvironment = try NATSConnectionOptions.parse([]).options(name: "sub", environment: environment)
        #expect(fromEnvironment.servers == ["nats://a:4222", "nats://b:4222"])
        #expect(fromEnvironment.credentialsFile == "env.creds")
        #expect(fromEnvironment.user == "env-user" && fromEnvironment.password == "env-pass")
        #expect(fromEnvironment.tls?.caFile == "ca.pem" && fromEnvironment.tls?.certificateFile == "client.pem")
        #expect(fromEnvironment.tls?.keyFile == "client.key")

        // A credential flag replaces all of the environment's credentials; a TLS flag only its own file.
        let flags = try NATSConnectionOptions.parse(["--creds", "flag.creds", "--tls-ca", "other-ca.pem", "--server", "nats://c:4222"])
        let fromFlags = try flags.options(name: "sub", environment: environment)
        #expect(fromFlags.servers == ["nats://c:4222"])
        #expect(fromFlags.credentialsFile == "flag.creds")
        #expect(fromFlags.user == nil && fromFlags.password == nil)
        #expect(fromFlags.tls?.caFile == "other-ca.pem" && fromFlags.tls?.certificateFile == "client.pem")
    }
}
