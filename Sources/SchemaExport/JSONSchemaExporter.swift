public import MessagingRuntime
public import SchemaIR
import SchemaValidation

/// Exports the schema as JSON Schema (Draft 2020-12): one `$defs` entry per message and enum,
/// named `namespace.Name`, so that any JSON Schema tool can check payloads too.
///
/// Formats are also written as equivalent `pattern`s where tools commonly treat `format` as a
/// mere annotation (email, uuid, uri, hostname, ipv4), so that such tools check what
/// Switchboard checks.
public struct JSONSchemaExporter: Sendable {
    public static let draft = "https://json-schema.org/draft/2020-12/schema"

    public let schema: Schema
    /// Where references point: `#/$defs/` here, `#/components/schemas/` in OpenAPI and AsyncAPI.
    public let referencePrefix: String

    public init(schema: Schema, referencePrefix: String = "#/$defs/") {
        self.schema = schema
        self.referencePrefix = referencePrefix
    }

    /// Every enum and message schema, by `namespace.Name`, in schema order.
    public func definitions() -> [JSONObject.Member] {
        var defs: [JSONObject.Member] = []
        for namespace in schema.namespaces {
            for enumType in namespace.enums {
                defs.append(.init(key: enumType.name.description, value: enumSchema(enumType)))
            }
            for message in namespace.messages {
                defs.append(.init(key: message.name.description, value: messageSchema(message)))
            }
        }
        return defs
    }

    /// The whole document.
    public func document() -> JSONValue {
        .object(JSONObject([
            .init(key: "$schema", value: .string(Self.draft)),
            .init(key: "$defs", value: .object(JSONObject(definitions()))),
        ]))
    }

    /// A document whose root is the message `name`, with every definition beside it.
    public func document(for name: QualifiedName) -> JSONValue {
        guard case .object(var object) = document() else { return document() }
        object.members.insert(.init(key: "$ref", value: .string(reference(name))), at: 1)
        return .object(object)
    }

    public func reference(_ name: QualifiedName) -> String { referencePrefix + name.description }

    func enumSchema(_ type: EnumType) -> JSONValue {
        var members: [JSONObject.Member] = [.init(key: "type", value: "string")]
        if let description = type.description { members.append(.init(key: "description", value: .string(description))) }
        members.append(.init(key: "enum", value: .array(type.cases.map(JSONValue.string))))
        return .object(JSONObject(members))
    }

    func messageSchema(_ message: MessageType) -> JSONValue {
        switch message.shape {
        case .record(let fields, let unknownFields):
            var members = recordMembers(fields: fields, unknownFields: unknownFields, discriminator: nil)
            if let description = message.description { members.insert(.init(key: "description", value: .string(description)), at: 1) }
            if message.deprecated { members.append(.init(key: "deprecated", value: true)) }
            return .object(JSONObject(members))
        case .union(let discriminator, let variants):
            var members: [JSONObject.Member] = [.init(key: "type", value: "object")]
            if let description = message.description { members.append(.init(key: "description", value: .string(description))) }
            members.append(.init(key: "required", value: [.string(discriminator)]))
            members.append(.init(key: "properties", value: .object(JSONObject([
                .init(key: discriminator, value: .object(JSONObject([
                    .init(key: "enum", value: .array(variants.map { .string($0.tag) })),
                ]))),
            ]))))
            let branches: [JSONValue] = variants.compactMap { variant in
                guard case .record(let fields, let unknownFields)? = schema.message(variant.message)?.shape else { return nil }
                return .object(JSONObject(recordMembers(
                    fields: fields, unknownFields: unknownFields, discriminator: (discriminator, variant.tag))))
            }
            members.append(.init(key: "oneOf", value: .array(branches)))
            return .object(JSONObject(members))
        }
    }

    func recordMembers(
        fields: [Field], unknownFields: UnknownFields, discriminator: (field: String, tag: String)?
    ) -> [JSONObject.Member] {
        var properties: [JSONObject.Member] = []
        var required: [JSONValue] = []
        if let discriminator {
            properties.append(.init(key: discriminator.field, value: ["const": .string(discriminator.tag)]))
            required.append(.string(discriminator.field))
        }
        for field in fields {
            properties.append(.init(key: field.name, value: fieldSchema(field)))
            if !field.optional, field.defaultValue == nil { required.append(.string(field.name)) }
        }
        var members: [JSONObject.Member] = [.init(key: "type", value: "object")]
        members.append(.init(key: "properties", value: .object(JSONObject(properties))))
        if !required.isEmpty { members.append(.init(key: "required", value: .array(required))) }
        if unknownFields == .reject { members.append(.init(key: "additionalProperties", value: false)) }
        return members
    }

    func fieldSchema(_ field: Field) -> JSONValue {
        var members = typeMembers(field.type, constraints: field.constraints, outer: true)
        if field.nullable {
            members = [.init(key: "anyOf", value: [.object(JSONObject(members)), ["type": "null"]])]
        }
        if let description = field.description { members.append(.init(key: "description", value: .string(description))) }
        if let value = field.defaultValue { members.append(.init(key: "default", value: value.jsonValue)) }
        if let value = field.example { members.append(.init(key: "examples", value: [value.jsonValue])) }
        if field.deprecated { members.append(.init(key: "deprecated", value: true)) }
        if field.secret { members.append(.init(key: "writeOnly", value: true)) }
        return .object(JSONObject(members))
    }

    func typeMembers(_ type: FieldType, constraints c: Constraints, outer: Bool) -> [JSONObject.Member] {
        var m: [JSONObject.Member] = []
        func add(_ key: String, _ value: JSONValue?) { if let value { m.append(.init(key: key, value: value)) } }
        func number(_ value: Double?) -> JSONValue? {
            value.map { $0.rounded() == $0 && abs($0) < 9.0e15 ? .int(Int64($0)) : .double($0) }
        }
        switch type {
        case .string:
            add("type", "string")
            add("minLength", c.minLength.map { .int(Int64($0)) })
            add("maxLength", c.maxLength.map { .int(Int64($0)) })
            if let format = c.format { addFormat(format, pattern: c.pattern, to: &m) } else { add("pattern", c.pattern.map(JSONValue.string)) }
            add("enum", c.allowedValues.map { .array($0.map(JSONValue.string)) })
        case .int, .double:
            add("type", type == .int ? "integer" : "number")
            add("minimum", number(c.min))
            add("exclusiveMinimum", number(c.exclusiveMin))
            add("maximum", number(c.max))
            add("exclusiveMaximum", number(c.exclusiveMax))
            add("multipleOf", number(c.multipleOf))
        case .bool: add("type", "boolean")
        case .uuid:
            add("type", "string")
            addFormat(.uuid, pattern: nil, to: &m)
        case .datetime:
            add("type", "string")
            addFormat(.dateTime, pattern: nil, to: &m)
        case .date:
            add("type", "string")
            addFormat(.date, pattern: nil, to: &m)
        case .json: break
        case .enumeration(let name), .message(let name):
            add("$ref", .string(reference(name)))
        case .array(let element):
            add("type", "array")
            add("items", .object(JSONObject(typeMembers(element, constraints: c, outer: false))))
            if outer {
                add("minItems", c.minItems.map { .int(Int64($0)) })
                add("maxItems", c.maxItems.map { .int(Int64($0)) })
                if c.uniqueItems { add("uniqueItems", true) }
            }
        case .map(let element):
            add("type", "object")
            add("additionalProperties", .object(JSONObject(typeMembers(element, constraints: c, outer: false))))
            if outer {
                add("minProperties", c.minProperties.map { .int(Int64($0)) })
                add("maxProperties", c.maxProperties.map { .int(Int64($0)) })
            }
        }
        return m
    }

    /// `format`, plus an equivalent pattern where one exists; a user pattern goes in `allOf` beside it.
    func addFormat(_ format: Constraints.Format, pattern: String?, to members: inout [JSONObject.Member]) {
        members.append(.init(key: "format", value: .string(format.rawValue)))
        let formatPattern = Self.formatPatterns[format]
        switch (formatPattern, pattern) {
        case (let own?, let user?):
            members.append(.init(key: "allOf", value: [["pattern": .string(own)], ["pattern": .string(user)]]))
        case (let own?, nil): members.append(.init(key: "pattern", value: .string(own)))
        case (nil, let user?): members.append(.init(key: "pattern", value: .string(user)))
        case (nil, nil): break
        }
    }

    /// Patterns that check what `MessagingRuntime.StringFormat` checks (for dates, the shape; the
    /// format checks the calendar). They end with
    /// `(?![\s\S])` rather than `$`, which Python's `re` also matches before a final newline.
    static let formatPatterns: [Constraints.Format: String] = [
        .email: #"^(?!\.)(?![^@]*\.\.)[A-Za-z0-9._%+\-]*[A-Za-z0-9_%+\-]@(?:(?!(?![Xx][Nn])[A-Za-z0-9]{2}--)[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\s\S])"#,
        .uuid: #"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\s\S])"#,
        .uri: #"^[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+(?![\s\S])"#,
        .hostname: #"^(?=.{1,253}(?![\s\S]))[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*(?![\s\S])"#,
        .dateTime: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+\-][0-9]{2}:[0-9]{2})(?![\s\S])"#,
        .date: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\s\S])"#,
        .ipv4: #"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?![\s\S])"#,
    ]
}
