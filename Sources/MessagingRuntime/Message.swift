/// A type that generated code decodes from JSON while checking every rule of its schema.
public protocol Validatable: Sendable {
    /// Decodes `json`, appending every issue found (with paths under `path`, which is only
    /// computed when there is an issue). Returns nil only after appending at least one issue.
    static func validate(_ json: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]) -> Self?
}

/// A message type of a schema: validatable, encodable (by `JSONWritable`, generated; `Codable`
/// for everything else), with a stable type name and schema version.
public protocol Message: Validatable, Codable, Hashable, JSONWritable {
    /// `namespace.Name`, as the envelope's `type` carries it.
    static var messageType: String { get }
    /// The schema version of the message's namespace.
    static var schemaVersion: Int { get }
}

/// A record message, which a tagged union can embed beside its discriminator.
public protocol RecordMessage: Message {
    /// Validates the members of `object`; `discriminator` names a key that belongs to the
    /// enclosing union and is therefore not an unknown key.
    static func validate(
        _ object: JSONObject, at path: @autoclosure () -> JSONPath, discriminator: String?,
        _ issues: inout [ValidationIssue]
    ) -> Self?
}

extension RecordMessage {
    public static func validate(_ json: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]) -> Self? {
        guard let object = Validation.object(json, at: path(), &issues) else { return nil }
        return validate(object, at: path(), discriminator: nil, &issues)
    }
}

extension Validatable {
    /// Validates a parsed JSON value: the typed value, or every issue found.
    public static func validate(_ json: JSONValue) -> Result<Self, ValidationError> {
        var issues: [ValidationIssue] = []
        if let value = validate(json, at: .root, &issues), issues.isEmpty { return .success(value) }
        return .failure(ValidationError(issues: issues))
    }

    /// Parses and validates JSON bytes. Bytes that are not JSON give one `invalid_json` issue.
    public static func validate(json bytes: some Collection<UInt8>) -> Result<Self, ValidationError> {
        do {
            return validate(try JSONValue(parsing: bytes))
        } catch {
            return .failure(ValidationError(issues: [ValidationIssue(code: .invalidJSON, path: .root, message: error.description)]))
        }
    }

    /// Parses and validates JSON bytes, throwing every issue found.
    public init(validatingJSON bytes: some Collection<UInt8>) throws(ValidationError) {
        self = try Self.validate(json: bytes).get()
    }
}
