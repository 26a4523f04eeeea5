public import Foundation

/// A request/reply subject of a schema: what the service subscribes to, how a request becomes a
/// subject, and everything the runtime needs to serve it.
public final class RequestSubject<Request: Message, Reply: Message>: Sendable {
    /// `namespace.name` of the subject in the schema (`auth.register`).
    public let name: String
    /// The subject as written, with `{field}` tokens: `events.{eventId}.update`.
    public let pattern: String
    /// What services subscribe to: tokens as `*`.
    public let subscription: String
    /// The concrete subject of a request.
    public let subject: @Sendable (Request) -> String
    public let timeout: Duration
    /// The queue group the service's instances share.
    public let queue: String
    /// The lock key template (`auth:register:{email}`) and the key of a request, when the subject is locked.
    public let lockPattern: String?
    public let lockKey: (@Sendable (Request) -> String)?
    /// Duplicate deliveries of a message id get the stored reply instead of running the handler again.
    public let idempotent: Bool
    /// The schema errors the handler may answer with.
    public let errors: [ServiceError]
    public let http: HTTPMapping?

    public init(
        name: String, pattern: String, subscription: String, subject: @escaping @Sendable (Request) -> String,
        timeout: Duration, queue: String, lockPattern: String? = nil,
        lockKey: (@Sendable (Request) -> String)? = nil, idempotent: Bool = true, errors: [ServiceError] = [],
        http: HTTPMapping? = nil
    ) {
        self.name = name
        self.pattern = pattern
        self.subscription = subscription
        self.subject = subject
        self.timeout = timeout
        self.queue = queue
        self.lockPattern = lockPattern
        self.lockKey = lockKey
        self.idempotent = idempotent
        self.errors = errors
        self.http = http
    }
}

/// An event subject of a schema: published by its namespace, persisted in `stream` when set.
public final class EventSubject<Event: Message>: Sendable {
    public let name: String
    public let pattern: String
    public let subscription: String
    public let subject: @Sendable (Event) -> String
    /// The JetStream stream that stores these events, if any.
    public let stream: String?

    public init(
        name: String, pattern: String, subscription: String, subject: @escaping @Sendable (Event) -> String,
        stream: String? = nil
    ) {
        self.name = name
        self.pattern = pattern
        self.subscription = subscription
        self.subject = subject
        self.stream = stream
    }
}

/// How the gateway exposes a request subject over HTTP.
public struct HTTPMapping: Sendable, Hashable {
    public enum Auth: Sendable, Hashable {
        case `public`
        case authenticated
        case roles([String])
    }

    /// What a path or query parameter's text becomes in the request's JSON.
    public enum ParameterKind: Sendable, Hashable {
        case string, integer, number, boolean
    }

    public let method: String
    /// The path template, with `{field}` parameters bound to request fields: `/events/{eventId}`.
    public let path: String
    public let pathParameters: [String]
    /// The status of a successful reply.
    public let status: Int
    public let auth: Auth
    /// The request's scalar fields that are not strings in JSON (`limit: .integer`); parameters
    /// of other fields stay strings.
    public let parameterKinds: [String: ParameterKind]

    public init(
        method: String, path: String, pathParameters: [String], status: Int, auth: Auth, parameterKinds: [String: ParameterKind] = [:]
    ) {
        self.method = method
        self.path = path
        self.pathParameters = pathParameters
        self.status = status
        self.auth = auth
        self.parameterKinds = parameterKinds
    }
}

/// Turns field values into subject tokens and key parts.
public enum SubjectToken {
    /// A string as one NATS subject token: `.`, `*`, `>`, whitespace, control characters and `%`
    /// are percent-encoded so that a value can never add tokens or wildcards.
    public static func encode(_ value: String) -> String {
        if value.isEmpty { return "%00" }
        guard value.utf8.contains(where: isSpecial) else { return value }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            if isSpecial(byte) {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Other field types as tokens: their canonical JSON text.
    public static func encode(_ value: Int) -> String { String(value) }
    public static func encode(_ value: UUID) -> String { value.uuidString.lowercased() }
    public static func encode(_ value: CalendarDate) -> String { value.isoString }
    public static func encode<E: RawRepresentable>(_ value: E) -> String where E.RawValue == String {
        encode(value.rawValue)
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "*")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "%")
    }
}

/// UUIDs as JSON writes them: lower case (RFC 9562), as subject tokens and keys have them too.
/// Foundation's own encoding is upper case. Generated `encode(to:)` calls these.
public enum UUIDText {
    public static func lower(_ value: UUID) -> String { value.uuidString.lowercased() }
    public static func lower(_ value: UUID?) -> String? { value.map(lower) }
    public static func lower(_ values: [UUID]) -> [String] { values.map(lower) }
    public static func lower(_ values: [UUID]?) -> [String]? { values.map(lower) }
    public static func lower(_ values: [String: UUID]) -> [String: String] { values.mapValues(lower) }
    public static func lower(_ values: [String: UUID]?) -> [String: String]? { values.map(lower) }
}
