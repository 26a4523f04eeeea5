import Foundation
import NIOCore
import NATSWire

/// A JetStream context on a connection: publishes that the server acknowledges once stored,
/// stream and consumer management, pull consumers. Everything goes through the connection's
/// public API (request, publish, subscribe); JetStream's API is JSON on `$JS.API.>` subjects.
public struct JetStream: Sendable {
    public let connection: NATSConnection
    /// `$JS.API`, `$JS.<domain>.API` for a domain, or a prefix an account import gives.
    public let apiPrefix: String
    /// The JetStream domain, when one was given.
    public let domain: String?
    /// How long an API request or a publish waits for its answer by default.
    public var timeout: Duration
    /// A publish that nothing answers (no responders) is tried again this many times, this long
    /// apart, before it fails as `.noStream`: JetStream takes a moment to listen after a server
    /// starts (nats.go's defaults: 2 × 250 ms).
    public var publishRetryAttempts = 2
    public var publishRetryDelay: Duration = .milliseconds(250)

    /// - Parameters:
    ///   - domain: the JetStream domain to talk to (leaf nodes); nil: the connection's own.
    ///   - apiPrefix: an API prefix an account import gives; overrides `domain`.
    public init(connection: NATSConnection, domain: String? = nil, apiPrefix: String? = nil, timeout: Duration = .seconds(5)) {
        self.connection = connection
        self.domain = domain
        self.apiPrefix = Self.apiPrefix(domain: domain, apiPrefix: apiPrefix)
        self.timeout = timeout
    }

    static func apiPrefix(domain: String?, apiPrefix: String?) -> String {
        apiPrefix.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } ?? domain.map { "$JS.\($0).API" } ?? "$JS.API"
    }

    func apiSubject(_ suffix: String) -> String { "\(apiPrefix).\(suffix)" }

    /// Sends a JSON request to `$JS.API.<suffix>` and decodes the reply, turning the API's error
    /// object into a `JetStreamError`.
    func request<Response: Decodable>(
        _ suffix: String, body: (some Encodable)?, as type: Response.Type, operation: String
    ) async throws -> Response {
        let payload = try body.map { ByteBuffer(bytes: try JSONEncoder().encode($0)) } ?? ByteBuffer()
        return try Self.decode(Response.self, from: try await request(suffix, payload: payload, operation: operation), operation: operation)
    }

    /// An API request with a body as it is; the reply's payload, not yet checked for an API error.
    func request(_ suffix: String, payload: ByteBuffer, operation: String) async throws -> ByteBuffer {
        let subject = apiSubject(suffix)
        do {
            return try await connection.request(subject, payload: payload, timeout: timeout).payload
        } catch let error as NATSClientError where error.code == .noResponders {
            throw JetStreamError(.notEnabled, "\(operation): nothing answers \(subject); is JetStream enabled on the server?")
        }
    }

    /// Decodes an API reply: its `error` object as a `JetStreamError`, or the expected value.
    static func decode<Response: Decodable>(_ type: Response.Type, from payload: ByteBuffer, operation: String) throws -> Response {
        let bytes = Data(payload.readableBytesView)
        let decoder = JSONDecoder()
        if let failure = try? decoder.decode(ErrorReply.self, from: bytes), let apiError = failure.error {
            throw JetStreamError(apiError, during: operation)
        }
        do {
            return try decoder.decode(Response.self, from: bytes)
        } catch {
            let text = String(decoding: bytes.prefix(200), as: UTF8.self)
            throw JetStreamError(.invalidResponse, "\(operation): cannot read the reply '\(text)': \(error)")
        }
    }

    private struct ErrorReply: Decodable {
        var error: JetStreamError.APIError?
    }

    /// Stream and consumer names are one subject token: no `.`, `*`, `>` or whitespace.
    static func checkName(_ name: String, _ what: String) throws {
        let invalid = name.isEmpty
            || name.utf8.contains { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: ">") }
        if invalid { throw NATSClientError(.invalidArgument, "'\(name)' is not a valid \(what) name (no '.', '*', '>' or whitespace)") }
    }
}

extension NATSConnection {
    /// A JetStream context on this connection.
    public func jetStream(domain: String? = nil, apiPrefix: String? = nil, timeout: Duration = .seconds(5)) -> JetStream {
        JetStream(connection: self, domain: domain, apiPrefix: apiPrefix, timeout: timeout)
    }
}

/// Durations as the JetStream API writes them: integer nanoseconds.
extension Duration {
    var nanosecondsForJetStream: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    init(jetStreamNanoseconds nanoseconds: Int64) {
        self = .nanoseconds(nanoseconds)
    }
}
