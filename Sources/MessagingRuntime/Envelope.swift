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

/// The envelope's keys, in the order `Envelope.validate` switches on them.
private let envelopeKeys: FieldNames = [
    "messageId", "correlationId", "causationId", "timestamp", "type", "schemaVersion", "payload", "caller",
]

extension Envelope: Validatable {
    /// Validates the envelope's fields and its payload (issues under `payload`). Unknown envelope
    /// keys are ignored, so that newer senders can add metadata.
    public static func validate(
        _ tape: JSONTape, _ index: JSONTape.Index, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> Self? {
        guard let object = Validation.object(tape, index, at: path(), &issues) else { return nil }
        // One pass over the members (the last of a repeated key wins, as `tape.member` has it).
        var raw: (messageId: JSONTape.Index?, correlationId: JSONTape.Index?, causationId: JSONTape.Index?,
            timestamp: JSONTape.Index?, type: JSONTape.Index?, schemaVersion: JSONTape.Index?, payload: JSONTape.Index?,
            caller: JSONTape.Index?)
        raw = (nil, nil, nil, nil, nil, nil, nil, nil)
        for member in tape.members(of: object) {
            switch tape.match(member.key, envelopeKeys) {
            case 0?: raw.messageId = member.value
            case 1?: raw.correlationId = member.value
            case 2?: raw.causationId = member.value
            case 3?: raw.timestamp = member.value
            case 4?: raw.type = member.value
            case 5?: raw.schemaVersion = member.value
            case 6?: raw.payload = member.value
            case 7?: raw.caller = member.value
            default: break
            }
        }
        let absent: JSONTape.Index? = nil
        func text(_ raw: JSONTape.Index?, _ key: String, mayBeAbsent: Bool = false) -> String? {
            guard let value = raw, !tape.isNull(value) else {
                Validation.missing(raw, expected: "string", mayBeAbsent: mayBeAbsent, nullable: false, at: path() + key, &issues)
                return nil
            }
            return Validation.string(tape.scalar(value), StringRules(minLength: 1), at: path() + key, &issues)
        }
        let messageId = text(raw.messageId, "messageId")
        let correlationId = text(raw.correlationId, "correlationId")
        let causationId = text(raw.causationId, "causationId", mayBeAbsent: true)
        var timestamp: DateTime?
        if let value = raw.timestamp, !tape.isNull(value) {
            timestamp = Validation.dateTime(tape.scalar(value), at: path() + "timestamp", &issues)
        } else {
            Validation.missing(raw.timestamp, expected: "string", mayBeAbsent: false, nullable: false, at: path() + "timestamp", &issues)
        }
        let type = text(raw.type, "type")
        if let type, type != Payload.messageType {
            issues.append(Validation.invalidValue([Payload.messageType], at: path() + "type"))
        }
        var version: Int?
        if let value = raw.schemaVersion, !tape.isNull(value) {
            version = Validation.int(tape.scalar(value), NumberRules(min: 1), at: path() + "schemaVersion", &issues)
        } else {
            Validation.missing(raw.schemaVersion, expected: "int", mayBeAbsent: false, nullable: false, at: path() + "schemaVersion", &issues)
        }
        var payload: Payload?
        if let value = raw.payload {
            payload = Payload.validate(tape, value, at: path() + "payload", &issues)
        } else {
            Validation.missing(absent, expected: "object", mayBeAbsent: false, nullable: false, at: path() + "payload", &issues)
        }
        var caller: Caller?
        if let value = raw.caller, !tape.isNull(value),
            let fields = Validation.object(tape, value, at: path() + "caller", &issues)
        {
            let id = tape.member(fields, "id")
            if let id, let text = Validation.string(tape.scalar(id), StringRules(minLength: 1), at: path() + "caller" + "id", &issues) {
                caller = Caller(id: text)
                if let role = tape.member(fields, "role"), !tape.isNull(role) {
                    caller?.role = Validation.string(tape.scalar(role), StringRules(), at: path() + "caller" + "role", &issues)
                }
            } else if id == nil {
                Validation.missing(absent, expected: "string", mayBeAbsent: false, nullable: false, at: path() + "caller" + "id", &issues)
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

extension Envelope: JSONWritable {
    /// The envelope's members in the order its `Codable` conformance encodes them.
    public func writeJSON(to json: inout JSONWriter) {
        json.objectStart()
        json.member("messageId", messageId)
        json.member("correlationId", correlationId)
        if let causationId { json.member("causationId", causationId) }
        json.member("timestamp", timestamp)
        json.member("type", type)
        json.member("schemaVersion", schemaVersion)
        if let caller {
            json.key("caller")
            json.objectStart()
            json.member("id", caller.id)
            if let role = caller.role { json.member("role", role) }
            json.objectEnd()
        }
        json.member("payload", payload)
        json.objectEnd()
    }
}
