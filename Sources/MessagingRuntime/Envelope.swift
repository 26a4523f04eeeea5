import Foundation

/// What travels over NATS: a message with the metadata that tracing, idempotency and
/// versioning need.
///
/// ```json
/// {"messageId":"…","correlationId":"…","causationId":"…","timestamp":"2026-11-29T15:04:05Z",
///  "type":"auth.RegisterRequest","schemaVersion":1,"payload":{…}}
/// ```
public struct Envelope<Payload: Message>: Sendable, Hashable, Codable {
    /// Unique per message; the key of idempotency.
    public var messageId: String
    /// Shared by every message of one conversation (a request, its reply, the events it caused).
    public var correlationId: String
    /// The `messageId` of the message that caused this one.
    public var causationId: String?
    public var timestamp: DateTime
    /// `Payload.messageType`.
    public var type: String
    public var schemaVersion: Int
    /// Who made the request, when it came through the gateway with a token.
    public var caller: Caller?
    public var payload: Payload

    public init(
        _ payload: Payload, messageId: String = Envelope.newID(), correlationId: String? = nil,
        causationId: String? = nil, timestamp: DateTime = .now, caller: Caller? = nil
    ) {
        self.messageId = messageId
        self.correlationId = correlationId ?? messageId
        self.causationId = causationId
        self.timestamp = timestamp
        self.type = Payload.messageType
        self.schemaVersion = Payload.schemaVersion
        self.caller = caller
        self.payload = payload
    }

    /// A message caused by this one: same correlation, causation set to this message.
    public func caused<Other: Message>(_ payload: Other) -> Envelope<Other> {
        Envelope<Other>(payload, correlationId: correlationId, causationId: messageId)
    }

    /// A new lower-case UUID string.
    public static func newID() -> String { RandomID.uuid() }
}

extension Envelope: JSONWritable {
    /// The envelope as `JSONEncoder` writes it (absent optionals left out), without `JSONEncoder`.
    public func writeJSON(to json: inout JSONOutput) {
        json.beginObject()
        json.member("messageId", messageId)
        json.member("correlationId", correlationId)
        json.member("causationId", ifPresent: causationId)
        json.member("timestamp", timestamp)
        json.member("type", type)
        json.member("schemaVersion", schemaVersion)
        json.member("caller", ifPresent: caller)
        json.member("payload", payload)
        json.endObject()
    }
}

extension Caller: JSONWritable {
    public func writeJSON(to json: inout JSONOutput) {
        json.beginObject()
        json.member("id", id)
        json.member("role", ifPresent: role)
        json.endObject()
    }
}

extension Envelope: Validatable {
    /// Validates the envelope's fields and its payload (issues under `payload`). Unknown envelope
    /// keys are ignored, so that newer senders can add metadata.
    public static func validate(_ json: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]) -> Self? {
        guard let object = Validation.object(json, at: path(), &issues) else { return nil }
        func text(_ key: String, mayBeAbsent: Bool = false) -> String? {
            guard let value = object[key], value != .null else {
                Validation.missing(object[key], expected: "string", mayBeAbsent: mayBeAbsent, nullable: false, at: path() + key, &issues)
                return nil
            }
            return Validation.string(value, StringRules(minLength: 1), at: path() + key, &issues)
        }
        let messageId = text("messageId")
        let correlationId = text("correlationId")
        let causationId = text("causationId", mayBeAbsent: true)
        var timestamp: DateTime?
        if let value = object["timestamp"], value != .null {
            timestamp = Validation.dateTime(value, at: path() + "timestamp", &issues)
        } else {
            Validation.missing(object["timestamp"], expected: "string", mayBeAbsent: false, nullable: false, at: path() + "timestamp", &issues)
        }
        let type = text("type")
        if let type, type != Payload.messageType {
            issues.append(Validation.invalidValue([Payload.messageType], at: path() + "type"))
        }
        var version: Int?
        if let value = object["schemaVersion"], value != .null {
            version = Validation.int(value, NumberRules(min: 1), at: path() + "schemaVersion", &issues)
        } else {
            Validation.missing(object["schemaVersion"], expected: "int", mayBeAbsent: false, nullable: false, at: path() + "schemaVersion", &issues)
        }
        var payload: Payload?
        if let value = object["payload"] {
            payload = Payload.validate(value, at: path() + "payload", &issues)
        } else {
            Validation.missing(nil, expected: "object", mayBeAbsent: false, nullable: false, at: path() + "payload", &issues)
        }
        var caller: Caller?
        if let value = object["caller"], value != .null, let fields = Validation.object(value, at: path() + "caller", &issues) {
            if let id = fields["id"], let text = Validation.string(id, StringRules(minLength: 1), at: path() + "caller" + "id", &issues) {
                caller = Caller(id: text)
                if let role = fields["role"], role != .null {
                    caller?.role = Validation.string(role, StringRules(), at: path() + "caller" + "role", &issues)
                }
            } else if fields["id"] == nil {
                Validation.missing(nil, expected: "string", mayBeAbsent: false, nullable: false, at: path() + "caller" + "id", &issues)
            }
        }
        guard let messageId, let correlationId, let timestamp, let type, let version, let payload,
            type == Payload.messageType
        else { return nil }
        var envelope = Envelope(
            payload, messageId: messageId, correlationId: correlationId, causationId: causationId, timestamp: timestamp,
            caller: caller
        )
        envelope.schemaVersion = Int(version)
        return envelope
    }
}
