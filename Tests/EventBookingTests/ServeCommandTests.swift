import Foundation
import TestSupport
import Testing

/// `event-booking serve` as users run it: the built binary, a real nats-server, SIGTERM.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServeCommandTests {
    /// The binary beside the test bundle (`swift build` puts both in the same folder).
    static let binary: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("event-booking")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/event-booking")
    }()

    /// A running `event-booking serve` and what it logged.
    final class Server: Sendable {
        let process: ChildProcess
        private let logFile: URL

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            logFile = FileManager.default.temporaryDirectory.appendingPathComponent("event-booking-serve-\(UUID().uuidString).log")
            process = try ChildProcess(
                ServeCommandTests.binary.path, ["serve"] + arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, errors: logFile)
        }

        /// (`ChildProcess` kills a server still running when it goes.)
        deinit { try? FileManager.default.removeItem(at: logFile) }

        /// What it has written to stderr so far.
        var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

        /// Waits (up to 30 s: a busy machine starting every service) until the log contains `text`.
        func waitForLog(_ text: String) async throws -> Bool {
            for _ in 0..<1_500 {
                if log.contains(text) { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }

        /// Waits until the gateway listens and the auth service serves: the gateway starts beside
        /// the services, and a registration sent before auth subscribes is answered 503 (no
        /// responders), as it should be.
        func waitUntilAuthServes() async throws -> Bool {
            guard try await waitForLog("gateway listening") else { return false }
            return try await waitForLog("service=auth [ServiceHost] serving")
        }

        /// Sends SIGTERM and waits for the exit status.
        func terminate() async -> Int32? {
            process.signal(SIGTERM)
            return await process.exit(within: .seconds(10))?.status
        }
    }

    @Test func serveListensKeepsItsDataAndStopsGracefullyOnSIGTERM() async throws {
        let nats = try NATSServer(jetStream: true)
        defer { nats.stop() }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("event-booking-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let port = try NATSServer.freePort()
        let arguments = ["--nats", nats.url, "--http-port", String(port), "--data-dir", data.path, "--password-iterations", "1000"]
        let http = HTTPTestClient(port: port)

        let first = try Server(arguments)
        #expect(try await first.waitUntilAuthServes(), "\(first.log)")
        #expect(first.log.contains("url=http://127.0.0.1:\(port)") && first.log.contains("development secret"))
        #expect(try await http.send("GET", "/readyz").status == 200, "every service of the process serves")
        let registered = try await http.send("POST", "/auth/register", json: #"{"email":"dora@example.com","password":"password of dora"}"#)
        #expect(registered.status == 201, "\(registered.text)")
        #expect(await first.terminate() == 0)
        #expect(first.log.contains("stopped"))
        for file in ["auth.sqlite", "events.sqlite", "bookings.sqlite"] {
            #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent(file).path), "\(file)")
        }

        // Restarted on the same folder, with the secret from the environment: the account is still there.
        let second = try Server(arguments, environment: ["SWITCHBOARD_TOKEN_SECRET": "a-secret-from-the-environment-32-bytes+"])
        #expect(try await second.waitUntilAuthServes())
        let login = try await http.send("POST", "/auth/login", json: #"{"email":"dora@example.com","password":"password of dora"}"#)
        #expect(login.status == 200, "\(login.text)")
        #expect(!second.log.contains("development secret"))
        #expect(await second.terminate() == 0)
    }

    @Test func serveWaitsForANATSServerThatStartsLater() async throws {
        let natsPort = try NATSServer.freePort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("event-booking-late-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let port = try NATSServer.freePort()
        let server = try Server([
            "--nats", "nats://127.0.0.1:\(natsPort)", "--http-port", String(port), "--data-dir", data.path, "--services", "auth,gateway",
        ])
        #expect(try await server.waitForLog("connecting to NATS"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.process.isRunning && !server.log.contains("gateway listening"))
        let nats = try NATSServer(port: natsPort, jetStream: true)
        defer { nats.stop() }
        #expect(try await server.waitUntilAuthServes(), "\(server.log)")
        let registered = try await HTTPTestClient(port: port).send(
            "POST", "/auth/register", json: #"{"email":"late@example.com","password":"password of late"}"#)
        #expect(registered.status == 201, "\(registered.text)")
        #expect(await server.terminate() == 0)
    }

    /// Credentials from the environment (NATS_URL, NATS_USER, NATS_PASSWORD, as NATS tools take
    /// them) or in the URL; the password never reaches the log.
    @Test func serveTakesNATSCredentialsFromTheEnvironmentAndLogsNone() async throws {
        let password = "pw-that-must-not-be-logged"
        let nats = try NATSServer(configuration: "authorization { user: svc, password: \"\(password)\" }", jetStream: true)
        defer { nats.stop() }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("event-booking-env-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let port = try NATSServer.freePort()
        let arguments = ["--http-port", String(port), "--data-dir", data.path, "--services", "auth,gateway", "--password-iterations", "1000"]

        let fromEnvironment = try Server(arguments, environment: ["NATS_URL": nats.url, "NATS_USER": "svc", "NATS_PASSWORD": password])
        #expect(try await fromEnvironment.waitUntilAuthServes(), "\(fromEnvironment.log)")
        let registered = try await HTTPTestClient(port: port).send(
            "POST", "/auth/register", json: #"{"email":"env@example.com","password":"password of env"}"#)
        #expect(registered.status == 201, "\(registered.text)")
        #expect(await fromEnvironment.terminate() == 0)
        #expect(fromEnvironment.log.contains("servers=nats://127.0.0.1:\(nats.port)"))

        // --nats wins over NATS_URL, and the URL's credentials over NATS_USER (as in nats.go).
        let inTheURL = try Server(
            arguments + ["--nats", "nats://svc:\(password)@127.0.0.1:\(nats.port)"],
            environment: ["NATS_URL": "nats://127.0.0.1:1", "NATS_USER": "nobody", "NATS_PASSWORD": "wrong"])
        #expect(try await inTheURL.waitUntilAuthServes(), "\(inTheURL.log)")
        #expect(await inTheURL.terminate() == 0)
        for log in [fromEnvironment.log, inTheURL.log] {
            #expect(!log.contains(password), "\(log)")
        }
    }

    @Test func badArgumentsAreUsageErrors() async throws {
        for arguments in [["--services", "auth,payments"], ["--token-secret", "short"], ["--log-level", "loud"]] {
            let server = try Server(arguments)
            #expect(await server.process.exit(within: .seconds(30)) == .exited(2), "\(arguments): \(server.log)")
        }
    }
}
