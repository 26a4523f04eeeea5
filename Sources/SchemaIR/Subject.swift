/// A NATS subject a namespace serves (`request`) or publishes (`event`).
public struct Subject: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case request(RequestSubject)
        case event(EventSubject)
    }

    /// The schema's name for it (`register`).
    public var name: String
    public var description: String?
    /// The NATS subject, with `{field}` tokens bound to request or message fields.
    public var subject: SubjectPattern
    public var kind: Kind

    public init(name: String, description: String?, subject: SubjectPattern, kind: Kind) {
        self.name = name
        self.description = description
        self.subject = subject
        self.kind = kind
    }
}

/// Request/reply over NATS, optionally exposed over HTTP.
public struct RequestSubject: Hashable, Sendable {
    public var request: QualifiedName
    public var reply: QualifiedName
    /// Error codes the handler may answer with, resolved to their namespace.
    public var errors: [QualifiedName]
    public var timeoutMilliseconds: Int
    public var queue: String
    public var lock: KeyTemplate?
    public var idempotent: Bool
    public var http: HTTPRoute?

    public init(
        request: QualifiedName, reply: QualifiedName, errors: [QualifiedName], timeoutMilliseconds: Int,
        queue: String, lock: KeyTemplate?, idempotent: Bool, http: HTTPRoute?
    ) {
        self.request = request
        self.reply = reply
        self.errors = errors
        self.timeoutMilliseconds = timeoutMilliseconds
        self.queue = queue
        self.lock = lock
        self.idempotent = idempotent
        self.http = http
    }
}

/// A published domain event, persisted in a JetStream stream when `stream` is set.
public struct EventSubject: Hashable, Sendable {
    public var message: QualifiedName
    public var stream: String?

    public init(message: QualifiedName, stream: String?) {
        self.message = message
        self.stream = stream
    }
}

/// An HTTP route of the gateway that forwards to a request subject.
public struct HTTPRoute: Hashable, Sendable {
    public enum Auth: Hashable, Sendable {
        case `public`
        case authenticated
        case roles([String])
    }

    public var method: String
    public var path: KeyTemplate
    public var status: Int
    public var auth: Auth

    public init(method: String, path: KeyTemplate, status: Int, auth: Auth) {
        self.method = method
        self.path = path
        self.status = status
        self.auth = auth
    }
}

/// Text with `{field}` placeholders: a lock key (`auth:register:{email}`) or an HTTP path (`/events/{eventId}`).
public struct KeyTemplate: Hashable, Sendable, CustomStringConvertible {
    public enum Part: Hashable, Sendable {
        case literal(String)
        case field(String)
    }

    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// The field names, in order.
    public var fields: [String] {
        parts.compactMap { if case .field(let name) = $0 { name } else { nil } }
    }

    public var description: String {
        parts.map {
            switch $0 {
            case .literal(let text): text
            case .field(let name): "{\(name)}"
            }
        }.joined()
    }
}

/// A NATS subject whose tokens are literals or `{field}` placeholders.
public struct SubjectPattern: Hashable, Sendable, CustomStringConvertible {
    public enum Token: Hashable, Sendable {
        case literal(String)
        case field(String)
    }

    public var tokens: [Token]

    public init(tokens: [Token]) { self.tokens = tokens }

    public var fields: [String] {
        tokens.compactMap { if case .field(let name) = $0 { name } else { nil } }
    }

    /// As written: `events.{eventId}.update`.
    public var description: String {
        tokens.map {
            switch $0 {
            case .literal(let text): text
            case .field(let name): "{\(name)}"
            }
        }.joined(separator: ".")
    }

    /// What a service subscribes to: each placeholder becomes `*`.
    public var subscription: String {
        tokens.map {
            switch $0 {
            case .literal(let text): text
            case .field: "*"
            }
        }.joined(separator: ".")
    }
}
