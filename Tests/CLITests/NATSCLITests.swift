import Foundation
import TestSupport
import Testing

/// `switchboard nats …` against a real nats-server.
@Suite(.serialized, .timeLimit(.minutes(1))) struct NATSCLITests {
    @Test func publishRequestReplyAndExitCodes() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let published = try cli.run("nats", "pub", "--server", server.url, "greet", "hello", "--count", "3")
        #expect(published.status == 0 && published.stdout == "published 3 messages on greet\n", "\(published.stderr)")

        // A replier in the background answers one request with its payload.
        let replier = try ChildProcess(CLI.binary.path, ["nats", "reply", "--server", server.url, "greet", "--echo", "--count", "1"])
        defer { replier.kill() }
        var reply = try cli.run("nats", "request", "--server", server.url, "greet", "hi there", "--timeout", "1")
        for _ in 0..<20 where reply.status != 0 {
            // The replier may not have subscribed yet: no responders until it has.
            try await Task.sleep(for: .milliseconds(100))
            reply = try cli.run("nats", "request", "--server", server.url, "greet", "hi there", "--timeout", "1")
        }
        #expect(reply.status == 0 && reply.stdout.hasSuffix("] hi there\n"), "\(reply.stdout) \(reply.stderr)")
        #expect(await replier.exit(within: .seconds(10)) == .exited(0), "the replier exits after its one request")

        let nobody = try cli.run("nats", "request", "--server", server.url, "nobody.home", "x")
        #expect(nobody.status == 1 && nobody.stderr.contains("no responders on nobody.home"))
        let unreachable = try cli.run("nats", "pub", "--server", "nats://127.0.0.1:\(try NATSServer.freePort())", "x")
        #expect(unreachable.status == 2 && unreachable.stderr.contains("cannot connect"))
        #expect(try cli.run("nats", "pub").status == 2)
    }

    @Test func requestsWithAnInboxPrefixOfTheirOwn() async throws {
        let server = try NATSServer(configuration: NATSServer.inboxPrefixUsers)
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let billing = ["nats", "request", "--server", server.url, "--user", "billing", "--password", "pw", "--timeout", "1"]
        let refused = try cli.run(billing + ["invoices", "x"])
        #expect(refused.status != 0 && refused.stderr.contains("_INBOX."), "the default inbox is not allowed: \(refused.stderr)")
        // Started after the refused request, whose PUB still goes out and would take its one reply.
        let replier = try ChildProcess(
            CLI.binary.path, ["nats", "reply", "--server", server.url, "--user", "service", "--password", "pw", "invoices", "paid", "--count", "1"])
        defer { replier.kill() }
        var reply = try cli.run(billing + ["--inbox-prefix", "_INBOX_billing", "invoices", "x"])
        for _ in 0..<20 where reply.status != 0 {
            try await Task.sleep(for: .milliseconds(100))  // until the replier has subscribed
            reply = try cli.run(billing + ["--inbox-prefix", "_INBOX_billing", "invoices", "x"])
        }
        #expect(reply.status == 0 && reply.stdout.hasSuffix("] paid\n"), "\(reply.stdout) \(reply.stderr)")
        let invalid = try cli.run(billing + ["--inbox-prefix", "_INBOX.*", "invoices", "x"])
        #expect(invalid.status == 2 && invalid.stderr == "error: inboxPrefix '_INBOX.*' is not a subject without wildcards\n", "\(invalid.stderr)")
    }

    @Test func rttSaysWhichServerAnsweredAndTimesRoundTrips() throws {
        let server = try NATSServer(configuration: "server_name: rtt-node", jetStream: true)
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let timed = try cli.run("nats", "rtt", "--server", server.url, "--count", "2")
        let lines = timed.stdout.split(separator: "\n")
        #expect(timed.status == 0 && lines.count == 3, "\(timed.stdout) \(timed.stderr)")
        #expect(lines.first?.hasPrefix("nats://127.0.0.1:\(server.port) rtt-node (nats-server ") == true, "\(timed.stdout)")
        #expect(lines.first?.contains("max_payload 1048576, JetStream)") == true, "\(timed.stdout)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("rtt ") && $0.hasSuffix(" µs") }, "\(timed.stdout)")
        #expect(try cli.run("nats", "rtt", "--server", server.url, "--count", "0").status == 2)
    }

    /// NATS_URL, NATS_USER and NATS_PASSWORD, as NATS tools read them; a flag given wins.
    @Test func connectionSettingsComeFromTheEnvironment() throws {
        let server = try NATSServer(configuration: "authorization { user: svc, password: pw }")
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let environment = ["NATS_URL": server.url, "NATS_USER": "svc", "NATS_PASSWORD": "pw"]
        let published = try cli.run(["nats", "pub", "x", "hi"], environment: environment)
        #expect(published.status == 0 && published.stdout == "published 1 message on x\n", "\(published.stderr)")
        let wrongPassword = try cli.run(["nats", "pub", "x", "hi", "--password", "wrong"], environment: environment)
        #expect(wrongPassword.status == 2 && wrongPassword.stderr.contains("Authorization Violation"), "\(wrongPassword.stderr)")
        #expect(!wrongPassword.stderr.contains("wrong") && !wrongPassword.stderr.contains("pw"), "no password in errors")
        let elsewhere = "nats://127.0.0.1:\(try NATSServer.freePort())"
        let flagWins = try cli.run(["nats", "pub", "--server", elsewhere, "x"], environment: environment)
        #expect(flagWins.status == 2 && flagWins.stderr.contains("cannot connect to \(elsewhere)"), "\(flagWins.stderr)")
        let badSeed = environment.merging(["NATS_NKEY": "/nonexistent.nk"]) { $1 }
        let noSeed = try cli.run(["nats", "pub", "x"], environment: badSeed)
        #expect(noSeed.status == 2 && noSeed.stderr == "error: cannot read the NKey seed file /nonexistent.nk\n", "\(noSeed.stderr)")
        // Credentials given as flags replace the environment's: its seed file is not read, and
        // credentials in NATS_URL itself (which would win over the options) are dropped too.
        let flagsWin = try cli.run(["nats", "pub", "x", "--user", "svc", "--password", "pw"], environment: badSeed)
        #expect(flagsWin.status == 0, "\(flagsWin.stderr)")
        let wrongInURL = ["NATS_URL": "nats://svc:wrong@127.0.0.1:\(server.port)"]
        #expect(try cli.run(["nats", "pub", "x"], environment: wrongInURL).status == 2, "the URL's credentials are used")
        let overURL = try cli.run(["nats", "pub", "x", "--user", "svc", "--password", "pw"], environment: wrongInURL)
        #expect(overURL.status == 0, "\(overURL.stderr)")
    }

    @Test func nkeyAndTLSFlags() throws {
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        // A seed and its public key from the Python nkeys package.
        try cli.write("user.nk", "SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU\n")
        let nkeyServer = try NATSServer(configuration: "authorization { users = [ { nkey: UCK5N7N66OBOINFXAYC2ACJQYFSOD4VYNU6APEJTAVFZB2SVHLKGEW7L } ] }")
        defer { nkeyServer.stop() }
        let signed = try cli.run("nats", "pub", "--server", nkeyServer.url, "--nkey", cli.folder.appendingPathComponent("user.nk").path, "x", "hi")
        #expect(signed.status == 0, "\(signed.stderr)")
        let unsigned = try cli.run("nats", "pub", "--server", nkeyServer.url, "x", "hi")
        #expect(unsigned.status == 2 && unsigned.stderr.contains("Authorization Violation"), "\(unsigned.stderr)")
        let missing = try cli.run("nats", "pub", "--server", nkeyServer.url, "--nkey", "/nonexistent.nk", "x")
        #expect(missing.status == 2 && missing.stderr.contains("cannot read the NKey seed file /nonexistent.nk"))

        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let tlsServer = try NATSServer(configuration: certificates.serverConfiguration(verifyClients: true))
        defer { tlsServer.stop() }
        let secure = try cli.run(
            "nats", "pub", "--server", tlsServer.url, "--tls-ca", certificates.caFile, "--tls-cert", certificates.clientCertificate,
            "--tls-key", certificates.clientKey, "x", "hi")
        #expect(secure.status == 0, "\(secure.stderr)")
        let untrusted = try cli.run("nats", "pub", "--server", tlsServer.url, "x", "hi")
        #expect(untrusted.status == 2 && untrusted.stderr.contains("TLS"), "\(untrusted.stderr)")
    }

    @Test func benchPrintsJSONLines() throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let pub = try cli.run("nats", "bench", "pub", "--server", server.url, "--count", "5000", "--json")
        #expect(pub.status == 0, "\(pub.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(pub.stdout.utf8)) as? [String: Any]
        #expect(result?["messages"] as? Int == 5000)
        #expect((result?["msgs_per_s"] as? Double ?? 0) > 0)
        let req = try cli.run("nats", "bench", "req", "--server", server.url, "--duration", "0.5", "--concurrency", "4", "--json")
        #expect(req.status == 0, "\(req.stderr)")
        let latency = try JSONSerialization.jsonObject(with: Data(req.stdout.utf8)) as? [String: Any]
        #expect((latency?["requests"] as? Int ?? 0) > 0)
        #expect((latency?["p99_us"] as? Double ?? 0) >= (latency?["p50_us"] as? Double ?? 1))
    }

    /// The CLI runs `EventLoopExecutor.Mode.replies`: a task resumed by a reply goes on on the event
    /// loop that read it; replies that come together go to Swift's pool, and none is lost.
    @Test func repliesResumeTheirTaskOnTheEventLoopThatReadThem() throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        func bench(concurrency: Int, executor: String? = nil) throws -> [String: Any] {
            let run = try cli.run(
                ["nats", "bench", "req", "--server", server.url, "--duration", "0.5", "--concurrency", "\(concurrency)", "--json"],
                environment: executor.map { ["SWITCHBOARD_EXECUTOR": $0] } ?? [:], timeLimit: .seconds(30))
            #expect(run.status == 0, "\(run.stderr) (terminated after 30 s: a request never resumed?)")
            return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        }
        let handedOff = try bench(concurrency: 1)
        #expect(handedOff["executor"] as? String == "replies")
        #expect((handedOff["requests"] as? Int ?? 0) > 0)
        #expect((handedOff["on_event_loop"] as? Double ?? 0) > 0.5, "one request at a time: each reply resumes its task on the loop")

        let pool = try bench(concurrency: 1, executor: "pool")
        #expect(pool["executor"] as? String == "pool")
        #expect((pool["requests"] as? Int ?? 0) > 0)
        #expect(pool["on_event_loop"] as? Double == 0, "on Swift's pool every reply wakes a pool thread")

        let loops = try bench(concurrency: 1, executor: "event-loops")
        #expect(loops["executor"] as? String == "event-loops")
        #expect(loops["on_event_loop"] as? Double == 1)

        let concurrent = try bench(concurrency: 64)
        #expect((concurrent["requests"] as? Int ?? 0) > 64, "64 in flight: replies read together go to the pool, none waits out its timeout")
    }
}
