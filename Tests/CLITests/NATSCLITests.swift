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
        let published = try await cli.run("nats", "pub", "--server", server.url, "greet", "hello", "--count", "3")
        #expect(published.status == 0 && published.stdout == "published 3 messages on greet\n", "\(published.stderr)")

        // A replier in the background answers one request with its payload.
        let replier = try ChildProcess(CLI.binary.path, ["nats", "reply", "--server", server.url, "greet", "--echo", "--count", "1"])
        defer { replier.kill() }
        var reply = try await cli.run("nats", "request", "--server", server.url, "greet", "hi there", "--timeout", "1")
        for _ in 0..<20 where reply.status != 0 {
            // The replier may not have subscribed yet: no responders until it has.
            try await Task.sleep(for: .milliseconds(100))
            reply = try await cli.run("nats", "request", "--server", server.url, "greet", "hi there", "--timeout", "1")
        }
        #expect(reply.status == 0 && reply.stdout.hasSuffix("] hi there\n"), "\(reply.stdout) \(reply.stderr)")
        #expect(await replier.exit(within: .seconds(10)) == .exited(0), "the replier exits after its one request")

        let nobody = try await cli.run("nats", "request", "--server", server.url, "nobody.home", "x")
        #expect(nobody.status == 1 && nobody.stderr.contains("no responders on nobody.home"))
        let unreachable = try await cli.run("nats", "pub", "--server", "nats://127.0.0.1:\(try NATSServer.freePort())", "x")
        #expect(unreachable.status == 2 && unreachable.stderr.contains("cannot connect"))
        #expect(try await cli.run("nats", "pub").status == 2)
    }

    @Test func requestsWithAnInboxPrefixOfTheirOwn() async throws {
        let server = try NATSServer(configuration: NATSServer.inboxPrefixUsers)
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let billing = ["nats", "request", "--server", server.url, "--user", "billing", "--password", "pw", "--timeout", "1"]
        let refused = try await cli.run(billing + ["invoices", "x"])
        #expect(refused.status == 2 && refused.stderr.contains("_INBOX."), "the default inbox is not allowed: \(refused.stderr)")
        // Started after the refused request, whose PUB still goes out and would take its one reply.
        let replier = try ChildProcess(
            CLI.binary.path, ["nats", "reply", "--server", server.url, "--user", "service", "--password", "pw", "invoices", "paid", "--count", "1"])
        defer { replier.kill() }
        var reply = try await cli.run(billing + ["--inbox-prefix", "_INBOX_billing", "invoices", "x"])
        for _ in 0..<20 where reply.status != 0 {
            try await Task.sleep(for: .milliseconds(100))  // until the replier has subscribed
            reply = try await cli.run(billing + ["--inbox-prefix", "_INBOX_billing", "invoices", "x"])
        }
        #expect(reply.status == 0 && reply.stdout.hasSuffix("] paid\n"), "\(reply.stdout) \(reply.stderr)")
        let invalid = try await cli.run(billing + ["--inbox-prefix", "_INBOX.*", "invoices", "x"])
        #expect(invalid.status == 2 && invalid.stderr == "error: inboxPrefix '_INBOX.*' is not a subject without wildcards\n", "\(invalid.stderr)")
    }

    /// A subscription the server refuses ends `sub` and `reply` with status 2 and the reason.
    @Test func refusedSubscriptionsFailSubAndReply() async throws {
        let server = try NATSServer(configuration: NATSServer.inboxPrefixUsers)
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        for command in ["sub", "reply"] {
            let refused = try await cli.run(
                ["nats", command, "--server", server.url, "--user", "billing", "--password", "pw", "invoices"], timeLimit: .seconds(30))
            #expect(refused.status == 2, "\(command): \(refused.status) \(refused.stderr)")
            #expect(refused.stderr == "error: permission denied to subscribe to 'invoices'\n", "\(command): \(refused.stderr)")
        }
    }

    @Test func requestWithoutAReplyTimesOut() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        // A subscriber that never answers: there are responders, and no reply.
        let silent = try ChildProcess(CLI.binary.path, ["nats", "sub", "--server", server.url, "silent"])
        defer { silent.kill() }
        let request = ["nats", "request", "--server", server.url, "silent", "x", "--timeout", "0.2"]
        var unanswered = try await cli.run(request)
        for _ in 0..<50 where unanswered.stderr.contains("no responders") {
            try await Task.sleep(for: .milliseconds(100))  // until the subscriber has subscribed
            unanswered = try await cli.run(request)
        }
        #expect(unanswered.status == 1, "\(unanswered.status) \(unanswered.stderr)")
        #expect(unanswered.stderr == "error: timeout: no reply on silent within 0.2 seconds\n", "\(unanswered.stderr)")
        // With a unit, as the nats tool takes it.
        let withUnit = try await cli.run("nats", "request", "--server", server.url, "silent", "x", "--timeout", "250ms")
        #expect(withUnit.status == 1 && withUnit.stderr == "error: timeout: no reply on silent within 0.25 seconds\n", "\(withUnit.stderr)")
        let badUnit = try await cli.run("nats", "request", "--server", server.url, "silent", "x", "--timeout", "2x")
        #expect(badUnit.status == 2 && badUnit.stderr.contains("'2x' is invalid for '--timeout"), "\(badUnit.stderr)")
    }

    /// Numbers that cannot work are usage errors (status 2), found before anything is sent; a
    /// payload over the server's max_payload is refused by the client, nothing sent either.
    @Test func invalidNumbersAreUsageErrorsAndSendNothing() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let output = cli.folder.appendingPathComponent("watcher.out")
        let watcher = try ChildProcess(CLI.binary.path, ["nats", "sub", "--server", server.url, "checked.>"], output: output)
        defer { watcher.kill() }
        try await waitUntilSeen(cli, server, "checked.ready", in: output)

        let invalid = [
            ["request", "checked.x", "--timeout", "inf"], ["request", "checked.x", "--timeout", "nan"],
            ["request", "checked.x", "--timeout=-1"], ["request", "checked.x", "--timeout", "0"],
            ["pub", "checked.x", "--size=-1"], ["pub", "checked.x", "--count=-1"], ["pub", "checked.x", "--size", "100000000"],
            ["sub", "checked.x", "--count", "0"], ["reply", "checked.x", "--count=-1"], ["rtt", "--count=-1"],
            ["bench", "pub", "--subject", "checked.x", "--count=-1"], ["bench", "pub", "--subject", "checked.x", "--size=-1"],
            ["bench", "req", "--subject", "checked.x", "--duration", "inf"], ["bench", "req", "--subject", "checked.x", "--duration", "nan"],
            ["bench", "req", "--subject", "checked.x", "--concurrency", "0"],
            ["bench", "req", "--subject", "checked.x", "--responders=-1"], ["bench", "req", "--subject", "checked.x", "--size=-1"],
        ]
        for arguments in invalid {
            let run = try await cli.run(["nats"] + arguments + ["--server", server.url], timeLimit: .seconds(30))
            #expect(run.status == 2 && run.stderr.contains(" must be "), "\(arguments): \(run.status) \(run.stderr)")
        }
        // ArgumentParser reads `-1` after a flag as another flag, not a value: a usage error all the same.
        for flag in ["--size", "--count"] {
            let run = try await cli.run(["nats", "pub", "--server", server.url, "checked.x", flag, "-1"], timeLimit: .seconds(30))
            #expect(run.status == 2 && run.stderr.hasPrefix("Error: Missing value for '\(flag) "), "\(flag): \(run.stderr)")
        }
        let tooLarge = try await cli.run("nats", "pub", "--server", server.url, "checked.x", "--size", "2000000")
        #expect(tooLarge.status == 2 && tooLarge.stderr.hasPrefix("error: max payload exceeded: "), "\(tooLarge.stderr)")

        try await waitUntilSeen(cli, server, "checked.end", in: output)
        let seen = try String(contentsOf: output, encoding: .utf8)
        #expect(!seen.contains("[checked.x]"), "nothing is sent: \(seen)")
    }

    /// `sub` and `reply` outlive a broker restart: they say on stderr that the server was lost and
    /// that they are back, and go on receiving and answering.
    @Test func subscribersOutliveARestartOfTheirServer() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let running = try SubscriberAndReplier(cli, ["--server", server.url], subscribing: "news.>")
        defer { running.kill() }
        let (subscriber, replier, output) = (running.subscriber, running.replier, running.output)
        let (subErrors, replyErrors) = (running.subErrors, running.replyErrors)
        try await waitUntilSeen(cli, server, "news.first", in: output)
        try await waitUntilAnswered(cli, server, "ask")

        server.stop()
        let lost = "note: lost nats://127.0.0.1:\(server.port), reconnecting\n"
        for errors in [subErrors, replyErrors] { try await waitUntil(errors, contains: lost) }
        try await Task.sleep(for: .seconds(1))  // several attempts fail meanwhile (3 used to end the commands)
        #expect(subscriber.isRunning && replier.isRunning, "a lost server does not end them")
        try server.start()
        let back = "note: reconnected to nats://127.0.0.1:\(server.port)\n"
        for errors in [subErrors, replyErrors] { try await waitUntil(errors, contains: back) }
        try await waitUntilSeen(cli, server, "news.again", in: output)
        try await waitUntilAnswered(cli, server, "ask")
        #expect(subscriber.isRunning && replier.isRunning)
    }

    /// With `--max-reconnects`, `sub` and `reply` whose server goes away for good exit 2 once their
    /// attempts are spent, saying what was lost.
    @Test func subscribersWithFewReconnectsFailWhenTheirServerIsGone() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let running = try SubscriberAndReplier(cli, ["--max-reconnects", "3", "--server", server.url], subscribing: "news")
        defer { running.kill() }
        let (subscriber, replier, output) = (running.subscriber, running.replier, running.output)
        let (subErrors, replyErrors) = (running.subErrors, running.replyErrors)
        try await waitUntilSeen(cli, server, "news", in: output)
        try await waitUntilAnswered(cli, server, "ask")

        server.stop()
        for (process, errors) in [(subscriber, subErrors), (replier, replyErrors)] {
            let ended = await process.exit(within: .seconds(30))
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            #expect(ended == .exited(2), "\(String(describing: ended)) \(stderr)")
            let lines = stderr.split(separator: "\n").map(String.init)
            #expect(lines.first == "note: lost nats://127.0.0.1:\(server.port), reconnecting", "\(stderr)")
            let gaveUp = "error: connection closed: lost nats://127.0.0.1:\(server.port), then no server left to connect to"
            #expect(lines.last?.hasPrefix(gaveUp) == true, "\(stderr)")
        }
        let negative = try await cli.run("nats", "sub", "--max-reconnects=-1", "--server", server.url, "news")
        #expect(negative.status == 2 && negative.stderr.contains("--max-reconnects must be at least 0"), "\(negative.stderr)")
    }

    /// `nats sub SUBJECT` and `nats reply ask yes` in the background with the same connection flags,
    /// their output and errors in files of the CLI's folder.
    struct SubscriberAndReplier {
        let output, subErrors, replyErrors: URL
        let subscriber, replier: ChildProcess

        init(_ cli: CLI, _ flags: [String], subscribing subject: String) throws {
            output = cli.folder.appendingPathComponent("sub.out")
            subErrors = cli.folder.appendingPathComponent("sub.err")
            replyErrors = cli.folder.appendingPathComponent("reply.err")
            subscriber = try ChildProcess(CLI.binary.path, ["nats", "sub"] + flags + [subject], output: output, errors: subErrors)
            do {
                replier = try ChildProcess(CLI.binary.path, ["nats", "reply"] + flags + ["ask", "yes"], errors: replyErrors)
            } catch {
                subscriber.kill()
                throw error
            }
        }

        func kill() {
            subscriber.kill()
            replier.kill()
        }
    }

    /// Requests `subject` until a replier answers (it has subscribed).
    private func waitUntilAnswered(_ cli: CLI, _ server: NATSServer, _ subject: String) async throws {
        var answered = try await cli.run("nats", "request", "--server", server.url, subject, "--timeout", "1")
        for _ in 0..<50 where answered.status != 0 {
            try await Task.sleep(for: .milliseconds(100))
            answered = try await cli.run("nats", "request", "--server", server.url, subject, "--timeout", "1")
        }
        #expect(answered.status == 0 && answered.stdout.hasSuffix("] yes\n"), "\(answered.stdout) \(answered.stderr)")
    }

    /// Waits (10 s at most) until the file at `url` holds `text`.
    private func waitUntil(_ url: URL, contains text: String) async throws {
        for _ in 0..<200 {
            if let content = try? String(contentsOf: url, encoding: .utf8), content.contains(text) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(url.lastPathComponent) never said \(text.debugDescription): \((try? String(contentsOf: url, encoding: .utf8)) ?? "")")
    }

    /// Publishes on `subject` until the `sub` writing to `output` has printed it: it has subscribed.
    private func waitUntilSeen(_ cli: CLI, _ server: NATSServer, _ subject: String, in output: URL) async throws {
        for _ in 0..<100 {
            try await cli.run("nats", "pub", "--server", server.url, subject)
            try await Task.sleep(for: .milliseconds(50))
            if let seen = try? String(contentsOf: output, encoding: .utf8), seen.contains("[\(subject)]") { return }
        }
        Issue.record("the subscriber never printed a message on \(subject)")
    }

    @Test func rttSaysWhichServerAnsweredAndTimesRoundTrips() async throws {
        let server = try NATSServer(configuration: "server_name: rtt-node", jetStream: true)
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let timed = try await cli.run("nats", "rtt", "--server", server.url, "--count", "2")
        let lines = timed.stdout.split(separator: "\n")
        #expect(timed.status == 0 && lines.count == 3, "\(timed.stdout) \(timed.stderr)")
        #expect(lines.first?.hasPrefix("nats://127.0.0.1:\(server.port) rtt-node (nats-server ") == true, "\(timed.stdout)")
        #expect(lines.first?.contains("max_payload 1048576, JetStream)") == true, "\(timed.stdout)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("rtt ") && $0.hasSuffix(" µs") }, "\(timed.stdout)")
        #expect(try await cli.run("nats", "rtt", "--server", server.url, "--count", "0").status == 2)
    }

    /// NATS_URL, NATS_USER and NATS_PASSWORD, as NATS tools read them; a flag given wins.
    @Test func connectionSettingsComeFromTheEnvironment() async throws {
        let server = try NATSServer(configuration: "authorization { user: svc, password: pw }")
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let environment = ["NATS_URL": server.url, "NATS_USER": "svc", "NATS_PASSWORD": "pw"]
        let published = try await cli.run(["nats", "pub", "x", "hi"], environment: environment)
        #expect(published.status == 0 && published.stdout == "published 1 message on x\n", "\(published.stderr)")
        let wrongPassword = try await cli.run(["nats", "pub", "x", "hi", "--password", "wrong"], environment: environment)
        #expect(wrongPassword.status == 2 && wrongPassword.stderr.contains("Authorization Violation"), "\(wrongPassword.stderr)")
        #expect(!wrongPassword.stderr.contains("wrong") && !wrongPassword.stderr.contains("pw"), "no password in errors")
        let elsewhere = "nats://127.0.0.1:\(try NATSServer.freePort())"
        let flagWins = try await cli.run(["nats", "pub", "--server", elsewhere, "x"], environment: environment)
        #expect(flagWins.status == 2 && flagWins.stderr.contains("cannot connect to \(elsewhere)"), "\(flagWins.stderr)")
        let badSeed = environment.merging(["NATS_NKEY": "/nonexistent.nk"]) { $1 }
        let noSeed = try await cli.run(["nats", "pub", "x"], environment: badSeed)
        #expect(noSeed.status == 2 && noSeed.stderr == "error: cannot read the NKey seed file /nonexistent.nk\n", "\(noSeed.stderr)")
        // Credentials given as flags replace the environment's: its seed file is not read, and
        // credentials in NATS_URL itself (which would win over the options) are dropped too.
        let flagsWin = try await cli.run(["nats", "pub", "x", "--user", "svc", "--password", "pw"], environment: badSeed)
        #expect(flagsWin.status == 0, "\(flagsWin.stderr)")
        let wrongInURL = ["NATS_URL": "nats://svc:wrong@127.0.0.1:\(server.port)"]
        #expect(try await cli.run(["nats", "pub", "x"], environment: wrongInURL).status == 2, "the URL's credentials are used")
        let overURL = try await cli.run(["nats", "pub", "x", "--user", "svc", "--password", "pw"], environment: wrongInURL)
        #expect(overURL.status == 0, "\(overURL.stderr)")
    }

    @Test func nkeyAndTLSFlags() async throws {
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        // A seed and its public key from the Python nkeys package.
        try cli.write("user.nk", "SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU\n")
        let nkeyServer = try NATSServer(configuration: "authorization { users = [ { nkey: UCK5N7N66OBOINFXAYC2ACJQYFSOD4VYNU6APEJTAVFZB2SVHLKGEW7L } ] }")
        defer { nkeyServer.stop() }
        let signed = try await cli.run("nats", "pub", "--server", nkeyServer.url, "--nkey", cli.folder.appendingPathComponent("user.nk").path, "x", "hi")
        #expect(signed.status == 0, "\(signed.stderr)")
        let unsigned = try await cli.run("nats", "pub", "--server", nkeyServer.url, "x", "hi")
        #expect(unsigned.status == 2 && unsigned.stderr.contains("Authorization Violation"), "\(unsigned.stderr)")
        let missing = try await cli.run("nats", "pub", "--server", nkeyServer.url, "--nkey", "/nonexistent.nk", "x")
        #expect(missing.status == 2 && missing.stderr.contains("cannot read the NKey seed file /nonexistent.nk"))

        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let tlsServer = try NATSServer(configuration: certificates.serverConfiguration(verifyClients: true))
        defer { tlsServer.stop() }
        let secure = try await cli.run(
            "nats", "pub", "--server", tlsServer.url, "--tls-ca", certificates.caFile, "--tls-cert", certificates.clientCertificate,
            "--tls-key", certificates.clientKey, "x", "hi")
        #expect(secure.status == 0, "\(secure.stderr)")
        let untrusted = try await cli.run("nats", "pub", "--server", tlsServer.url, "x", "hi")
        #expect(untrusted.status == 2 && untrusted.stderr.contains("TLS"), "\(untrusted.stderr)")
    }

    /// `--token`, `--header` (shown by `sub`), and queue groups for `sub` and `reply`: each of a
    /// group's members gets its share, none gets a message twice.
    @Test func tokenHeadersAndQueueGroups() async throws {
        let server = try NATSServer(arguments: ["--auth", "cli-t0ken"])
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let auth = ["--server", server.url, "--token", "cli-t0ken"]
        let refused = try await cli.run("nats", "pub", "--server", server.url, "q.x", "hi")
        #expect(refused.status == 2 && refused.stderr.contains("Authorization Violation") && !refused.stderr.contains("cli-t0ken"))

        let outputs = (0..<2).map { cli.folder.appendingPathComponent("member\($0).out") }
        let members = try outputs.map { try ChildProcess(CLI.binary.path, ["nats", "sub"] + auth + ["q.>", "--queue", "workers"], output: $0) }
        defer { for member in members { member.kill() } }
        let repliers = try (0..<2).map { try ChildProcess(CLI.binary.path, ["nats", "reply"] + auth + ["q.ask", "r\($0)", "--queue", "answerers"]) }
        defer { for replier in repliers { replier.kill() } }
        // Until both members have subscribed: a group member gets each message alone.
        func lines() -> [[String]] {
            outputs.map { ((try? String(contentsOf: $0, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        }
        for _ in 0..<100 where lines().contains(where: \.isEmpty) {
            _ = try await cli.run(["nats", "pub"] + auth + ["q.warmup", "w"])
            try await Task.sleep(for: .milliseconds(50))
        }
        let before = lines().map(\.count)
        let published = try await cli.run(["nats", "pub"] + auth + ["q.work", "job", "--count", "200", "--header", "Trace: t-1", "--header", "Trace:t-2"])
        #expect(published.status == 0, "\(published.stderr)")
        var shares: [Int] = []
        for _ in 0..<100 {
            shares = zip(lines(), before).map { $0.0.count - $0.1 }
            if shares.reduce(0, +) >= 200 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(shares.reduce(0, +) == 200 && shares.allSatisfy { $0 > 0 }, "shared, each message once: \(shares)")
        let work = lines().joined().filter { $0.hasPrefix("[q.work]") }
        #expect(work.allSatisfy { $0 == "[q.work] Trace=t-1 Trace=t-2 job" }, "\(work.prefix(2))")

        var answers: Set<String> = []
        for _ in 0..<60 where answers.count < 2 {
            let answer = try await cli.run(["nats", "request"] + auth + ["q.ask", "?", "--timeout", "1"])
            if answer.status == 0, let last = answer.stdout.split(separator: " ").last { answers.insert(String(last).trimmingCharacters(in: .newlines)) }
        }
        #expect(answers == ["r0", "r1"], "both repliers of the group answer: \(answers)")
    }

    @Test func benchPrintsJSONLines() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        let pub = try await cli.run("nats", "bench", "pub", "--server", server.url, "--count", "5000", "--json")
        #expect(pub.status == 0, "\(pub.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(pub.stdout.utf8)) as? [String: Any]
        #expect(result?["messages"] as? Int == 5000)
        #expect((result?["msgs_per_s"] as? Double ?? 0) > 0)
        let req = try await cli.run("nats", "bench", "req", "--server", server.url, "--duration", "0.5", "--concurrency", "4", "--json")
        #expect(req.status == 0, "\(req.stderr)")
        let latency = try JSONSerialization.jsonObject(with: Data(req.stdout.utf8)) as? [String: Any]
        #expect((latency?["requests"] as? Int ?? 0) > 0)
        #expect((latency?["p99_us"] as? Double ?? 0) >= (latency?["p50_us"] as? Double ?? 1))
    }

    /// The CLI runs `EventLoopExecutor.Mode.replies`: a task resumed by a reply goes on on the event
    /// loop that read it; replies that come together go to Swift's pool, and none is lost.
    @Test func repliesResumeTheirTaskOnTheEventLoopThatReadThem() async throws {
        let server = try NATSServer()
        defer { server.stop() }
        let cli = try CLI(copyExamples: false)
        defer { cli.remove() }
        func bench(concurrency: Int, executor: String? = nil, flags: [String] = []) async throws -> [String: Any] {
            let run = try await cli.run(
                ["nats", "bench", "req", "--server", server.url, "--duration", "0.5", "--concurrency", "\(concurrency)", "--json"] + flags,
                environment: executor.map { ["SWITCHBOARD_EXECUTOR": $0] } ?? [:], timeLimit: .seconds(30))
            #expect(run.status == 0, "\(run.stderr) (terminated after 30 s: a request never resumed?)")
            return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        }
        let handedOff = try await bench(concurrency: 1)
        #expect(handedOff["executor"] as? String == "replies")
        #expect((handedOff["requests"] as? Int ?? 0) > 0)
        #expect((handedOff["on_event_loop"] as? Double ?? 0) > 0.5, "one request at a time: each reply resumes its task on the loop")

        let pool = try await bench(concurrency: 1, executor: "pool")
        #expect(pool["executor"] as? String == "pool")
        #expect((pool["requests"] as? Int ?? 0) > 0)
        #expect(pool["on_event_loop"] as? Double == 0, "on Swift's pool every reply wakes a pool thread")
        let preferring = try await bench(concurrency: 1, executor: "pool", flags: ["--on-event-loop"])
        #expect((preferring["requests"] as? Int ?? 0) > 0)
        #expect(preferring["on_event_loop"] as? Double == 1, "--on-event-loop: the task prefers the connection's loop, even beside the plain pool")

        let loops = try await bench(concurrency: 1, executor: "event-loops")
        #expect(loops["executor"] as? String == "event-loops")
        #expect(loops["on_event_loop"] as? Double == 1)

        let concurrent = try await bench(concurrency: 64)
        #expect((concurrent["requests"] as? Int ?? 0) > 64, "64 in flight: replies read together go to the pool, none waits out its timeout")
    }
}
