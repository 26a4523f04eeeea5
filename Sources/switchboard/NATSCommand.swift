import Foundation
import ArgumentParser
import NATSClient
import NATSWire
import NIOCore

/// `switchboard nats …`: a NATS command-line tool on the project's own client.
struct NATSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nats",
        abstract: "Publish, subscribe, request, reply and benchmark against NATS servers.",
        discussion: """
            Exit status: 0 ok, 1 timeout or no responders, 2 usage or connection errors (and the others: \
            permissions, payload too large).
            """,
        subcommands: [NATSPub.self, NATSSub.self, NATSRequest.self, NATSReply.self, NATSRTT.self, NATSBench.self]
    )
}

/// The connection flags every `switchboard nats` command takes. All but `--token` and
/// `--inbox-prefix` fall back on the environment variable NATS tools read (`NATS_URL`,
/// `NATS_USER`, `NATS_PASSWORD`, `NATS_CREDS`, `NATS_NKEY`, `NATS_CA`, `NATS_CERT`, `NATS_KEY`); a
/// flag given wins.
struct NATSConnectionOptions: ParsableArguments {
    @Option(name: .customLong("server"), help: "A server URL (repeatable); default: $NATS_URL, else nats://127.0.0.1:4222.")
    var servers: [String] = []

    @Option(help: "User name (or $NATS_USER).") var user: String?
    @Option(help: "Password (or $NATS_PASSWORD).") var password: String?
    @Option(help: "Authentication token.") var token: String?
    @Option(help: ArgumentHelp("A file holding an NKey seed (SU…) (or $NATS_NKEY).", valueName: "file")) var nkey: String?
    @Option(help: ArgumentHelp("A .creds file (user JWT and NKey seed) (or $NATS_CREDS).", valueName: "file")) var creds: String?
    @Option(name: .customLong("tls-ca"), help: ArgumentHelp("CA certificates (PEM) to verify the server with (or $NATS_CA).", valueName: "file"))
    var tlsCA: String?
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Client certificate (PEM) (or $NATS_CERT).", valueName: "file"))
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("Client private key (PEM) (or $NATS_KEY).", valueName: "file")) var tlsKey: String?
    @Option(help: ArgumentHelp("The prefix of request inboxes, for users allowed replies only under their own.", valueName: "prefix"))
    var inboxPrefix = "_INBOX"
    @Option(help: ArgumentHelp(
        "Reconnect attempts per server before giving up; default: 3, and without end for sub and reply.", valueName: "n"))
    var maxReconnects: Int?

    func validate() throws { try NumericFlag.count(maxReconnects, "--max-reconnects", atLeast: 0) }

    /// The environment's settings with the flags given on top; credentials given as flags replace
    /// all of the environment's (a seed file it names is not even read then).
    func options(
        name: String, reconnectingForever: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> NATSOptions {
        var environment = environment
        let credentialFlags = user != nil || password != nil || token != nil || nkey != nil || creds != nil
        if credentialFlags {
            let names = NATSOptions.EnvironmentVariable.self
            for variable in [names.user, names.password, names.credentials, names.nkey] { environment[variable] = nil }
        }
        var options: NATSOptions
        do {
            options = try NATSOptions(environment: environment, name: name)
            if let nkey { options.nkeySeed = try NATSOptions.nkeySeed(contentsOf: nkey) }
        } catch {
            throw CLIError(error)
        }
        let given = servers.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !given.isEmpty {
            options.servers = given
        } else if credentialFlags {
            // NATS_URL's servers without the credentials a URL may carry (they would win over the flags).
            options.servers = options.servers.map { ServerAddress($0)?.description ?? $0 }
        }
        if let user { options.user = user }
        if let password { options.password = password }
        if let token { options.token = token }
        if let creds { options.credentialsFile = creds }
        if tlsCA != nil || tlsCert != nil || tlsKey != nil {
            var tls = options.tls ?? NATSTLSOptions()
            if let tlsCA { tls.caFile = tlsCA }
            if let tlsCert { tls.certificateFile = tlsCert }
            if let tlsKey { tls.keyFile = tlsKey }
            options.tls = tls
        }
        options.maxReconnectAttempts = maxReconnects ?? (reconnectingForever ? nil : 3)
        options.inboxPrefix = inboxPrefix
        return options
    }

    /// Connects; `reconnectingForever` for the commands that run until stopped (`sub`, `reply`),
    /// which a broker restart must not end.
    func connect(name: String, reconnectingForever: Bool = false) async throws -> NATSConnection {
        let options = try options(name: name, reconnectingForever: reconnectingForever)
        do {
            return try await NATSConnection.connect(options)
        } catch let error as NATSClientError where error.code == .invalidArgument {
            throw CLIError(error)
        } catch {
            // As NATSOptions shows them: a password in a URL is redacted.
            let servers = options.servers.map(ServerAddress.shown)
            throw CLIError(message: "error: cannot connect to \(servers.joined(separator: ", ")): \(error)")
        }
    }
}

/// `K:V` header flags.
func parseHeaders(_ values: [String]) throws -> NATSHeaders? {
    guard !values.isEmpty else { return nil }
    var headers = NATSHeaders(status: nil)
    for value in values {
        guard let colon = value.firstIndex(of: ":") else { throw CLIError(message: "error: header '\(value)' is not K:V") }
        headers.add(String(value[..<colon]), String(value[value.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
    }
    return headers
}

/// Checks of the numeric flags, for the commands' `validate()`: a value that cannot work is a
/// usage error (exit status 2) before anything is sent.
enum NumericFlag {
    /// The largest `--size`: the largest `max_payload` a NATS server takes (64 MiB).
    static let maxSize = 64 * 1024 * 1024
    /// The longest `--timeout` or `--duration`: a year (the client counts time in Int64 nanoseconds).
    static let maxSeconds: Double = 365 * 24 * 3600

    static func count(_ value: Int?, _ flag: String = "--count", atLeast minimum: Int = 1) throws {
        guard let value, value < minimum else { return }
        throw ValidationError("\(flag) must be at least \(minimum), not \(value)")
    }

    static func size(_ value: Int?) throws {
        guard let value, !(0...maxSize).contains(value) else { return }
        throw ValidationError("--size must be from 0 to \(maxSize) bytes (64 MiB, the most a NATS server takes), not \(value)")
    }

    static func seconds(_ value: Double, _ flag: String) throws {
        guard !(value > 0 && value <= maxSeconds) else { return }  // NaN fails both comparisons
        throw ValidationError("\(flag) must be a number of seconds above 0 and at most \(Int(maxSeconds)) (a year), not \(value)")
    }

    /// A checked number of seconds as a `Duration`, to the nanosecond (0.2 shows as `0.2 seconds`).
    static func duration(seconds: Double) -> Duration { .nanoseconds(Int64((seconds * 1e9).rounded())) }
}

/// Subscribes, limits the subscription to `limit` messages if given, and waits until the server has it.
func subscribeConfirmed(
    _ client: NATSConnection, _ subject: String, queue: String?, limit: Int?,
    onEventLoop handler: (@Sendable (InboundMessage) -> Void)? = nil
) async throws -> NATSSubscription {
    let subscription = if let handler {
        try await client.subscribe(subject, queue: queue, onEventLoop: handler)
    } else {
        try await client.subscribe(subject, queue: queue)
    }
    if let limit { subscription.unsubscribe(after: limit) }
    try await client.flush()
    return subscription
}

/// Checks how a subscription's messages ended, for `sub` and `reply`: fine by the command's own
/// end (`--count` reached; `counted` when the caller counted them itself), an error when the
/// server refused the subscription or the connection gave up (no server left after the reconnect
/// attempts, which `sub` and `reply` make without end unless `--max-reconnects` says otherwise).
/// A subscription ends only so, by its count, or by an unsubscribe these commands never make.
/// - Throws: the `NATSClientError` that `CLIError.init(_:subject:)` maps, the connection closed first.
func checkEnd(
    of subscription: NATSSubscription, on client: NATSConnection, watch: NATSConnectionWatch, counted: Bool = false
) async throws {
    if let error = subscription.error {
        await client.close()
        throw error
    }
    guard !counted, case .closed = await client.status() else { return }
    // Closed without a close of ours: its events are over, the last saying why.
    let end = await watch.end
    var why = (end.lost.map { "lost \($0), then " } ?? "") + (end.reason ?? "closed")
    if let serverError = end.serverError { why += "; last server error: \(serverError)" }
    throw NATSClientError(.connectionClosed, why)
}

func describe(_ message: InboundMessage) -> String {
    var text = "[\(message.subject)]"
    if let replyTo = message.replyTo { text += " reply=\(replyTo)" }
    if let headers = message.headers {
        for field in headers.fields { text += " \(field.name)=\(field.value)" }
    }
    return text + " " + String(buffer: message.payload)
}

struct NATSPub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pub", abstract: "Publish a message (or many).")
    @OptionGroup var connection: NATSConnectionOptions
    @Argument(help: "The subject.") var subject: String
    @Argument(help: "The payload.") var data: String = ""
    @Option(help: "How many messages.") var count = 1
    @Option(help: "Payload of this many bytes instead of DATA.") var size: Int?
    @Option(name: .customLong("header"), help: "A header K:V (repeatable).") var headers: [String] = []

    func validate() throws {
        try NumericFlag.count(count)
        try NumericFlag.size(size)
    }

    func run() async throws {
        let client = try await connection.connect(name: "switchboard-nats-pub")
        let payload = size.map { ByteBuffer(repeating: UInt8(ascii: "x"), count: $0) } ?? ByteBuffer(string: data)
        let parsed = try parseHeaders(headers)
        do {
            for _ in 0..<count { try client.publish(subject, payload: payload, headers: parsed) }
            try await client.flush()
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        Console.print("published \(count) message\(count == 1 ? "" : "s") on \(subject)")
    }
}

struct NATSSub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sub", abstract: "Print the messages of a subject.")
    @OptionGroup var connection: NATSConnectionOptions
    @Argument(help: "The subject (wildcards allowed).") var subject: String
    @Option(help: "Queue group.") var queue: String?
    @Option(help: "Stop after this many messages.") var count: Int?

    func validate() throws { try NumericFlag.count(count) }

    func run() async throws {
        let client = try await connection.connect(name: "switchboard-nats-sub", reconnectingForever: true)
        let watch = NATSConnectionWatch(client)
        let subscription = try await subscribeConfirmed(client, subject, queue: queue, limit: count)
        var received = 0
        for await message in subscription {
            Console.print(describe(message))
            received += 1
        }
        try await checkEnd(of: subscription, on: client, watch: watch, counted: count.map { received >= $0 } ?? false)
        await client.close()
    }
}

struct NATSRequest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request", abstract: "Send a request and print the reply.")
    @OptionGroup var connection: NATSConnectionOptions
    @Argument(help: "The subject.") var subject: String
    @Argument(help: "The payload.") var data: String = ""
    @Option(help: "How long to wait: seconds, or with a unit (500ms, 2s, 1m).") var timeout = TimeFlag(seconds: 5)
    @Option(name: .customLong("header"), help: "A header K:V (repeatable).") var headers: [String] = []

    func validate() throws { try NumericFlag.seconds(timeout.seconds, "--timeout") }

    func run() async throws {
        let headers = try parseHeaders(headers)
        let client = try await connection.connect(name: "switchboard-nats-request")
        defer { Task { await client.close() } }
        do {
            let reply = try await client.request(
                subject, payload: ByteBuffer(string: data), headers: headers, timeout: NumericFlag.duration(seconds: timeout.seconds))
            Console.print(describe(reply))
        } catch let error as NATSClientError {
            throw CLIError(error, subject: subject)
        }
    }
}

struct NATSReply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reply", abstract: "Answer requests on a subject.")
    @OptionGroup var connection: NATSConnectionOptions
    @Argument(help: "The subject.") var subject: String
    @Argument(help: "The reply payload.") var data: String = ""
    @Option(help: "Queue group.") var queue: String?
    @Flag(help: "Reply with the request's own payload.") var echo = false
    @Option(help: "Stop after this many requests.") var count: Int?

    func validate() throws { try NumericFlag.count(count) }

    func run() async throws {
        let client = try await connection.connect(name: "switchboard-nats-reply", reconnectingForever: true)
        let watch = NATSConnectionWatch(client)
        let reply = ByteBuffer(string: data)
        let echo = echo
        // Answered on the event loop as each request is read (nats.go's Subscribe with a callback).
        let subscription = try await subscribeConfirmed(client, subject, queue: queue, limit: count) { message in
            guard let replyTo = message.replyTo else { return }
            try? client.publish(replyTo, payload: echo ? message.payload : reply)
        }
        for await _ in subscription {}  // ends with the subscription (after --count requests)
        try await checkEnd(of: subscription, on: client, watch: watch)
        try? await client.flush()
        await client.close()
    }
}

/// `switchboard nats rtt`: which server the connection reached, and round trips to it.
struct NATSRTT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtt", abstract: "Connect, say which server answered, and time round trips (PING/PONG) to it.")
    @OptionGroup var connection: NATSConnectionOptions
    @Option(help: "Round trips to time.") var count = 3

    func validate() throws { try NumericFlag.count(count) }

    func run() async throws {
        let client = try await connection.connect(name: "switchboard-nats-rtt")
        if case .connected(let server, let info) = await client.status() {
            // A server without a `server_name` reports its id as its name: shown once.
            let name = info.serverName.flatMap { $0 == info.serverID ? nil : " \($0)" } ?? ""
            let jetStream = info.jetStream ? ", JetStream" : ""
            Console.print("\(server)\(name) (nats-server \(info.version), id \(info.serverID), max_payload \(info.maxPayload)\(jetStream))")
        }
        for _ in 0..<count {
            let rtt = try await client.rtt()
            Console.print(String(format: "rtt %.0f µs", Double(rtt.components.attoseconds) / 1e12 + Double(rtt.components.seconds) * 1e6))
        }
        await client.close()
    }
}
