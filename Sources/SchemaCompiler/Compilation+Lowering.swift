import SchemaDiagnostics
import SchemaIR
import SchemaSyntax

extension Compilation {
    static let messageKeys = ["description", "deprecated", "fields", "unknownFields", "oneOf", "discriminator"]
    static let enumKeys = ["description", "values"]
    static let errorKeys = ["status", "message", "description"]

    /// Lowers one file into its namespace.
    mutating func lower(_ file: FileSyntax) -> Namespace? {
        guard symbols[file.namespace]?.file == file.source.path else { return nil }
        // A type whose declaration had an error is incomplete: literals that use it are not checked,
        // as they would be against the wrong fields.
        var enums: [EnumType] = [], messages: [MessageType] = []
        for pair in file.enums {
            let errors = diagnostics.errorCount
            if let type = lowerEnum(pair, in: file.namespace) { enums.append(type) }
            if diagnostics.errorCount > errors { incomplete.insert(QualifiedName(namespace: file.namespace, name: pair.name)) }
        }
        for pair in file.messages {
            let errors = diagnostics.errorCount
            if let type = lowerMessage(pair, in: file.namespace) { messages.append(type) }
            if diagnostics.errorCount > errors { incomplete.insert(QualifiedName(namespace: file.namespace, name: pair.name)) }
        }
        let errors = file.errors.compactMap { lowerError($0) }
        return Namespace(
            name: file.namespace, description: file.description, file: file.source.path,
            relativeFile: file.source.relativePath, version: file.version, enums: enums, messages: messages,
            errors: errors, subjects: []
        )
    }

    mutating func lowerEnum(_ pair: YAMLPair, in namespace: String) -> EnumType? {
        guard symbols[namespace]?.enums[pair.name] == pair.key else { return nil }
        var description: String?
        var valuesNode = pair.value
        if let pairs = pair.value.mapping {
            checkKeys(pairs, allowed: Self.enumKeys, in: "an enum")
            description = pair.value["description"].flatMap { string($0, what: "'description'") }
            guard let values = pair.value["values"] else {
                error("missing-key", "enum '\(pair.name)' needs 'values'", at: pair.key)
                return nil
            }
            valuesNode = values
        }
        guard let items = valuesNode.sequence, !items.isEmpty else {
            error("invalid-enum", "enum '\(pair.name)' must list its values, as in [a, b]", at: valuesNode)
            return nil
        }
        var cases: [String] = []
        var seen: [String: YAMLNode] = [:]
        for item in items {
            guard let text = string(item, what: "an enum value") else { continue }
            if let previous = seen[text] {
                error("duplicate-definition", "enum value '\(text)' is listed twice", at: item,
                      notes: [.note("previous definition is here", at: previous.range)])
                continue
            }
            seen[text] = item
            cases.append(text)
        }
        return EnumType(name: QualifiedName(namespace: namespace, name: pair.name), description: description, cases: cases)
    }

    mutating func lowerMessage(_ pair: YAMLPair, in namespace: String) -> MessageType? {
        guard symbols[namespace]?.messages[pair.name] == pair.key else { return nil }
        let name = QualifiedName(namespace: namespace, name: pair.name)
        guard let pairs = pair.value.mapping else {
            if pair.value.scalar?.isNull == true {
                return MessageType(name: name, description: nil, shape: .record(fields: [], unknownFields: .reject))
            }
            error("invalid-message", "message '\(pair.name)' must be a mapping with 'fields' or 'oneOf'", at: pair.value)
            return nil
        }
        checkKeys(pairs, allowed: Self.messageKeys, in: "a message")
        let description = pair.value["description"].flatMap { string($0, what: "'description'") }
        let deprecated = pair.value["deprecated"].flatMap { boolean($0, what: "'deprecated'") } ?? false
        if let oneOf = pair.value["oneOf"] {
            if let fields = key("fields", of: pair.value) {
                error("invalid-message", "a message has either 'fields' or 'oneOf', not both", at: fields)
            }
            if let unknown = key("unknownFields", of: pair.value) {
                error("invalid-message", "'unknownFields' belongs on the variants of a union", at: unknown)
            }
            guard let shape = lowerUnion(oneOf, discriminator: pair.value["discriminator"], message: pair, in: namespace)
            else { return nil }
            return MessageType(name: name, description: description, deprecated: deprecated, shape: shape)
        }
        if let discriminator = key("discriminator", of: pair.value) {
            error("invalid-message", "'discriminator' needs 'oneOf'", at: discriminator)
        }
        var unknownFields = UnknownFields.reject
        if let node = pair.value["unknownFields"], let text = string(node, what: "'unknownFields'") {
            if let value = UnknownFields(rawValue: text) {
                unknownFields = value
            } else {
                error("invalid-value", "'unknownFields' is 'reject' or 'strip', not '\(text)'\(Suggestions.didYouMean(text, in: ["reject", "strip"]))", at: node)
            }
        }
        var fields: [Field] = []
        if let node = pair.value["fields"], node.scalar?.isNull != true {
            guard let fieldPairs = node.mapping else {
                error("invalid-message", "'fields' must be a mapping of field names to types", at: node)
                return nil
            }
            fields = fieldPairs.compactMap { lowerField($0, of: name) }
        }
        return MessageType(
            name: name, description: description, deprecated: deprecated,
            shape: .record(fields: fields, unknownFields: unknownFields)
        )
    }

    mutating func lowerUnion(
        _ node: YAMLNode, discriminator: YAMLNode?, message: YAMLPair, in namespace: String
    ) -> MessageType.Shape? {
        guard let discriminator else {
            error("missing-key", "union '\(message.name)' needs 'discriminator', the field that holds the tag", at: message.key)
            return nil
        }
        guard let field = string(discriminator, what: "'discriminator'") else { return nil }
        guard isFieldName(field) else {
            error("invalid-name", "discriminator '\(field)' is not a valid field name", at: discriminator)
            return nil
        }
        guard let pairs = node.mapping, !pairs.isEmpty else {
            error("invalid-message", "'oneOf' maps each tag to a message, as in { card: CardPayment }", at: node)
            return nil
        }
        var variants: [UnionVariant] = []
        for pair in pairs {
            guard let typeName = string(pair.value, what: "a union variant") else { continue }
            guard case .message(let target)? = resolveType(typeName, in: namespace, at: pair.value) else {
                if symbols[namespace]?.enums[typeName] != nil {
                    error("invalid-union-variant", "union variant '\(pair.name)' must be a message, not the enum '\(typeName)'", at: pair.value)
                }
                continue
            }
            variants.append(UnionVariant(tag: pair.name, message: target))
        }
        return .union(discriminator: field, variants: variants)
    }

    mutating func lowerError(_ pair: YAMLPair) -> ErrorCode? {
        guard let pairs = pair.value.mapping else {
            error("invalid-error", "error '\(pair.name)' must be a mapping with 'status' and 'message'", at: pair.value)
            return nil
        }
        checkKeys(pairs, allowed: Self.errorKeys, in: "an error")
        let statusNode = pair.value["status"], messageNode = pair.value["message"]
        let missing = [statusNode == nil ? "'status'" : nil, messageNode == nil ? "'message'" : nil].compactMap { $0 }
        if !missing.isEmpty {
            error("missing-key", "error '\(pair.name)' needs \(missing.joined(separator: " and "))", at: pair.key)
        }
        var status: Int?
        if let statusNode, let value = integer(statusNode, what: "'status'") {
            if (400...599).contains(value) { status = value } else {
                error("invalid-value", "an error's status is an HTTP error status (400–599), not \(value)", at: statusNode)
            }
        }
        let message = messageNode.flatMap { string($0, what: "'message'") }
        let description = pair.value["description"].flatMap { string($0, what: "'description'") }
        guard let status, let message else { return nil }
        return ErrorCode(name: pair.name, status: status, message: message, description: description)
    }

    /// The key node of `name` in the mapping `node`: where to point when the key itself is wrong.
    func key(_ name: String, of node: YAMLNode) -> YAMLNode? {
        node.mapping?.first { $0.name == name }?.key
    }
}
