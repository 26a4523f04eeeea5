/// A type that generated code decodes from JSON while checking every rule of its schema.
public protocol Validatable: Sendable {
    /// Decodes the value at `index` of `tape`, appending every issue found (with paths under
    /// `path`, which is only computed when there is an issue). Returns nil only after appending
    /// at least one issue.
    static func validate(
        _ tape: JSONTape, _ index: JSONTape.Index, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> Self?
}

/// A message type of a schema: validatable, encodable (by any `Encoder`, and by itself as JSON),
/// with a stable type name and schema version.
public protocol Message: Validatable, JSONWritable, Codable, Hashable {
    /// `namespace.Name`, as the envelope's `type` carries it.
    static var messageType: String { get }
    /// The schema version of the message's namespace.
    static var schemaVersion: Int { get }

    /// Appends an issue for every rule of the schema that the value breaks, as validating its JSON
    /// would: its type already holds the structure (required fields, types, enumerations), so
    /// generated messages check only the rest (lengths, formats, patterns, ranges, counts,
    /// uniqueness), without writing or parsing JSON. Services check their replies with it.
    func check(at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue])
}

extension Message {
    /// Writes the value as JSON and validates it: right for any conformance (generated messages
    /// check their rules directly).
    public func check(at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]) {
        var found: [ValidationIssue] = []
        _ = JSONTape.parse(jsonBytes()) { tape in Self.validate(tape, JSONTape.root, at: path(), &found) }
        issues += found
    }

    /// The issues `check(at:_:)` finds from the root, as a result.
    public func checked() -> Result<Self, ValidationError> {
        var issues: [ValidationIssue] = []
        check(at: .root, &issues)
        return issues.isEmpty ? .success(self) : .failure(ValidationError(issues: issues))
    }
}

/// A record message, which a tagged union can embed beside its discriminator.
public protocol RecordMessage: Message {
    /// Validates the members of the object at `object`; `discriminator` names a key that belongs
    /// to the enclosing union and is therefore not an unknown key.
    static func validate(
        _ tape: JSONTape, object: JSONTape.Index, at path: @autoclosure () -> JSONPath, discriminator: String?,
        _ issues: inout [ValidationIssue]
    ) -> Self?

    /// Writes the fields as members of the object being written (a tagged union writes its
    /// discriminator beside them).
    func writeJSONMembers(to json: inout JSONWriter)
}

extension RecordMessage {
    public func writeJSON(to json: inout JSONWriter) {
        json.objectStart()
        writeJSONMembers(to: &json)
        json.objectEnd()
    }
}

extension RecordMessage {
    @inlinable
    public static func validate(
        _ tape: JSONTape, _ index: JSONTape.Index, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> Self? {
        guard let object = Validation.object(tape, index, at: path(), &issues) else { return nil }
        return validate(tape, object: object, at: path(), discriminator: nil, &issues)
    }
}

extension Validatable {
    /// Validates a parsed JSON value (through the value's tape, `JSONTape.of(_:_:)`): the typed
    /// value, or every issue found.
    @inlinable
    public static func validate(_ json: JSONValue) -> Result<Self, ValidationError> {
        var issues: [ValidationIssue] = []
        if let value = validate(json, at: .root, &issues), issues.isEmpty { return .success(value) }
        return .failure(ValidationError(issues: issues))
    }

    /// Validates a parsed JSON value, appending every issue found (with paths under `path`).
    @inlinable
    public static func validate(_ json: JSONValue, at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]) -> Self? {
        JSONTape.of(json) { tape in validate(tape, JSONTape.root, at: path(), &issues) }
    }

    /// Parses and validates JSON bytes. Bytes that are not JSON give one `invalid_json` issue.
    @inlinable
    public static func validate(json bytes: some Collection<UInt8>) -> Result<Self, ValidationError> {
        let parsed = JSONTape.parse(bytes) { tape -> Result<Self, ValidationError> in
            var issues: [ValidationIssue] = []
            if let value = validate(tape, JSONTape.root, at: .root, &issues), issues.isEmpty { return .success(value) }
            return .failure(ValidationError(issues: issues))
        }
        switch parsed {
        case .success(let result): return result
        case .failure(let error):
            return .failure(ValidationError(issues: [ValidationIssue(code: .invalidJSON, path: .root, message: error.description)]))
        }
    }

    /// Parses and validates JSON bytes, throwing every issue found.
    @inlinable
    public init(validatingJSON bytes: some Collection<UInt8>) throws(ValidationError) {
        self = try Self.validate(json: bytes).get()
    }
}
