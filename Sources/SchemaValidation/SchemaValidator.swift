public import MessagingRuntime
public import SchemaIR

/// Validates JSON against the IR, without compiling anything: what `switchboard validate` runs in CI.
///
/// It walks the schema the way generated validators walk their code, and calls the same
/// `MessagingRuntime.Validation` checks in the same order, so both report identical issues.
public struct SchemaValidator: Sendable {
    public let schema: Schema
    private let patterns: [String: Pattern]

    public init(schema: Schema) {
        self.schema = schema
        var patterns: [String: Pattern] = [:]
        for namespace in schema.namespaces {
            for message in namespace.messages {
                for field in message.fields {
                    if let source = field.constraints.pattern, patterns[source] == nil, Pattern.isValid(source) {
                        patterns[source] = Pattern(source)
                    }
                }
            }
        }
        self.patterns = patterns
    }

    /// Parses and validates `bytes` as the message `name`: the normalized payload (defaults applied,
    /// stripped keys removed) or every issue found.
    public func validate(json bytes: some Collection<UInt8>, as name: QualifiedName) -> Result<JSONValue, ValidationError> {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch {
            return .failure(ValidationError(issues: [ValidationIssue(code: .invalidJSON, path: .root, message: error.description)]))
        }
        return validate(json, as: name)
    }

    public func validate(_ json: JSONValue, as name: QualifiedName) -> Result<JSONValue, ValidationError> {
        guard let message = schema.message(name) else {
            preconditionFailure("no message \(name) in the schema")
        }
        var issues: [ValidationIssue] = []
        let result = validateMessage(json, message, at: .root, &issues)
        if let result, issues.isEmpty { return .success(result) }
        return .failure(ValidationError(issues: issues))
    }

    /// Checks one value of a field's type and constraints (a default, an example).
    public func validateValue(
        _ json: JSONValue, type: FieldType, constraints: Constraints, nullable: Bool, at path: JSONPath,
        _ issues: inout [ValidationIssue]
    ) -> JSONValue? {
        if json == .null {
            Validation.missing(json, expected: type.jsonTypeName, mayBeAbsent: true, nullable: nullable, at: path, &issues)
            return nullable ? .null : nil
        }
        return value(json, type, constraints, outer: true, at: path, &issues)
    }

    // MARK: Messages

    func validateMessage(
        _ json: JSONValue, _ message: MessageType, at path: JSONPath, _ issues: inout [ValidationIssue]
    ) -> JSONValue? {
        guard let object = Validation.object(json, at: path, &issues) else { return nil }
        switch message.shape {
        case .record(let fields, let unknownFields):
            return validateRecord(object, fields: fields, unknownFields: unknownFields, at: path, discriminator: nil, &issues)
        case .union(let discriminator, let variants):
            guard let tag = Validation.discriminator(object, field: discriminator, tags: variants.map(\.tag), at: path, &issues),
                let variant = variants.first(where: { $0.tag == tag }),
                case .record(let fields, let unknownFields)? = schema.message(variant.message)?.shape,
                case .object(let members)? = validateRecord(
                    object, fields: fields, unknownFields: unknownFields, at: path, discriminator: discriminator, &issues)
            else { return nil }
            return .object(JSONObject([.init(key: discriminator, value: .string(tag))] + members.members))
        }
    }

    func validateRecord(
        _ object: JSONObject, fields: [Field], unknownFields: UnknownFields, at path: JSONPath, discriminator: String?,
        _ issues: inout [ValidationIssue]
    ) -> JSONValue? {
        var raw = [JSONValue?](repeating: nil, count: fields.count)
        var unknownKeys: [String] = []
        for member in object.members {
            if let index = fields.firstIndex(where: { $0.name == member.key }) {
                raw[index] = member.value
            } else if member.key != discriminator, unknownFields == .reject, !unknownKeys.contains(member.key) {
                unknownKeys.append(member.key)
            }
        }
        let issueCount = issues.count
        var result: [JSONObject.Member] = []
        for (index, field) in fields.enumerated() {
            if let value = raw[index], value != .null {
                if let decoded = self.value(value, field.type, field.constraints, outer: true, at: path + field.name, &issues) {
                    result.append(.init(key: field.name, value: decoded))
                }
            } else {
                Validation.missing(
                    raw[index], expected: field.type.jsonTypeName, mayBeAbsent: field.optional || field.defaultValue != nil,
                    nullable: field.nullable, at: path + field.name, &issues
                )
                if raw[index] == nil, let defaultValue = field.defaultValue {
                    result.append(.init(key: field.name, value: defaultValue.jsonValue))
                } else if raw[index] == .null {
                    result.append(.init(key: field.name, value: .null))
                }
            }
        }
        if unknownFields == .reject { Validation.unrecognized(unknownKeys, at: path, &issues) }
        return issues.count == issueCount ? .object(JSONObject(result)) : nil
    }

    // MARK: Values

    private func value(
        _ json: JSONValue, _ type: FieldType, _ constraints: Constraints, outer: Bool,
        at path: @autoclosure () -> JSONPath, _ issues: inout [ValidationIssue]
    ) -> JSONValue? {
        switch type {
        case .string:
            return Validation.string(json, stringRules(constraints), at: path(), &issues).map { _ in json }
        case .int:
            return Validation.int(json, numberRules(constraints), at: path(), &issues).map { .int(Int64($0)) }
        case .double:
            return Validation.double(json, numberRules(constraints), at: path(), &issues).map { _ in json }
        case .bool:
            return Validation.bool(json, at: path(), &issues).map(JSONValue.bool)
        case .uuid:
            return Validation.uuid(json, at: path(), &issues).map { _ in json }
        case .datetime:
            return Validation.dateTime(json, at: path(), &issues).map { _ in json }
        case .date:
            return Validation.date(json, at: path(), &issues).map { _ in json }
        case .json:
            return json
        case .enumeration(let name):
            return Validation.enumeration(json, cases: schema.enumType(name)?.cases ?? [], at: path(), &issues).map { _ in json }
        case .message(let name):
            guard let message = schema.message(name) else { return nil }
            return validateMessage(json, message, at: path(), &issues)
        case .array(let element):
            let rules = outer ? CountRules(min: constraints.minItems, max: constraints.maxItems, unique: constraints.uniqueItems) : .none
            return Validation.array(json, rules, at: path(), &issues) { item, itemPath, issues in
                self.value(item, element, constraints, outer: false, at: itemPath(), &issues)
            }.map(JSONValue.array)
        case .map(let element):
            let rules = outer ? CountRules(min: constraints.minProperties, max: constraints.maxProperties) : .none
            return Validation.map(json, rules, at: path(), &issues) { item, itemPath, issues in
                self.value(item, element, constraints, outer: false, at: itemPath(), &issues)
            }.map { _ in json }
        }
    }

    func stringRules(_ c: Constraints) -> StringRules {
        StringRules(
            minLength: c.minLength, maxLength: c.maxLength, format: c.format.flatMap { StringFormat(rawValue: $0.rawValue) },
            pattern: c.pattern.flatMap { patterns[$0] ?? (Pattern.isValid($0) ? Pattern($0) : nil) },
            allowedValues: c.allowedValues
        )
    }

    func numberRules(_ c: Constraints) -> NumberRules {
        NumberRules(min: c.min, exclusiveMin: c.exclusiveMin, max: c.max, exclusiveMax: c.exclusiveMax, multipleOf: c.multipleOf)
    }
}

extension Literal {
    /// The literal as the JSON value a payload would carry.
    public var jsonValue: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .array(let items): .array(items.map(\.jsonValue))
        case .object(let members): .object(JSONObject(members.map { .init(key: $0.0, value: $0.1.jsonValue) }))
        }
    }
}
