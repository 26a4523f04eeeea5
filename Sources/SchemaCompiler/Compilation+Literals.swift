import MessagingRuntime
import SchemaDiagnostics
import SchemaIR
import SchemaSyntax
import SchemaValidation

extension Compilation {
    /// Converts every default and example with the field's type, checks it with the same rules the
    /// validators use, and stores it in the IR.
    mutating func checkLiterals(_ schema: inout Schema, files: [FileSyntax]) {
        let validator = SchemaValidator(schema: schema)
        for pending in pendingLiterals {
            guard let n = schema.namespaces.firstIndex(where: { $0.name == pending.message.namespace }),
                let m = schema.namespaces[n].messages.firstIndex(where: { $0.name == pending.message }),
                case .record(var fields, let unknownFields) = schema.namespaces[n].messages[m].shape,
                let f = fields.firstIndex(where: { $0.name == pending.field })
            else { continue }
            let field = fields[f]
            var visited: Set<QualifiedName> = []
            guard isComplete(field.type, in: schema, visited: &visited) else { continue }
            let literal = convert(pending.node, as: field.type, schema: schema)
            var issues: [ValidationIssue] = []
            _ = validator.validateValue(
                literal.jsonValue, type: field.type, constraints: field.constraints, nullable: field.nullable,
                at: .root, &issues
            )
            if issues.isEmpty {
                if pending.kind == .defaultValue { fields[f].defaultValue = literal } else { fields[f].example = literal }
                schema.namespaces[n].messages[m].shape = .record(fields: fields, unknownFields: unknownFields)
            }
            for issue in issues {
                let location = issue.path.components.isEmpty ? "" : " at \(issue.path)"
                error(
                    pending.kind == .defaultValue ? "invalid-default" : "invalid-example",
                    "\(pending.kind.rawValue) of field '\(field.name)' is invalid\(location): \(issue.message)",
                    at: pending.node
                )
            }
        }
    }

    /// Whether every enum and message that `type` uses was declared without error, so that a literal
    /// of the type can be checked without reporting the consequences of that error again.
    func isComplete(_ type: FieldType, in schema: Schema, visited: inout Set<QualifiedName>) -> Bool {
        switch type {
        case .array(let element), .map(let element):
            return isComplete(element, in: schema, visited: &visited)
        case .enumeration(let name):
            return !incomplete.contains(name) && schema.enumType(name) != nil
        case .message(let name):
            guard !incomplete.contains(name), let message = schema.message(name) else { return false }
            guard visited.insert(name).inserted else { return true }
            switch message.shape {
            case .record(let fields, _):
                return fields.allSatisfy { isComplete($0.type, in: schema, visited: &visited) }
            case .union(_, let variants):
                return variants.allSatisfy { isComplete(.message($0.message), in: schema, visited: &visited) }
            }
        default:
            return true
        }
    }

    /// A YAML value read as the JSON the field would receive.
    func convert(_ node: YAMLNode, as type: FieldType, schema: Schema) -> Literal {
        if let scalar = node.scalar, scalar.isNull, scalar.isPlain { return .null }
        switch (type, node.kind) {
        case (.string, .scalar(let s)), (.uuid, .scalar(let s)), (.datetime, .scalar(let s)), (.date, .scalar(let s)),
            (.enumeration, .scalar(let s)):
            return .string(s.text)
        case (.array(let element), .sequence(let items)):
            return .array(items.map { convert($0, as: element, schema: schema) })
        case (.map(let element), .mapping(let pairs)):
            return .object(pairs.map { ($0.name, convert($0.value, as: element, schema: schema)) })
        case (.message(let name), .mapping(let pairs)):
            guard let message = schema.message(name) else { return generic(node) }
            let fields = fieldsForLiteral(of: message, pairs: pairs, schema: schema)
            return .object(pairs.map { pair in
                (pair.name, fields.first { $0.name == pair.name }.map { convert(pair.value, as: $0.type, schema: schema) }
                    ?? generic(pair.value))
            })
        default:
            return generic(node)
        }
    }

    private func fieldsForLiteral(of message: MessageType, pairs: [YAMLPair], schema: Schema) -> [Field] {
        switch message.shape {
        case .record(let fields, _): return fields
        case .union(let discriminator, let variants):
            let tag = pairs.first { $0.name == discriminator }?.value.text
            guard let variant = variants.first(where: { $0.tag == tag }) else { return [] }
            return schema.message(variant.message)?.fields ?? []
        }
    }

    /// YAML's core schema: plain `null`, booleans and numbers, everything else text.
    func generic(_ node: YAMLNode) -> Literal {
        switch node.kind {
        case .scalar(let scalar):
            guard scalar.isPlain else { return .string(scalar.text) }
            if scalar.isNull { return .null }
            if let flag = Self.parseBool(scalar.text) { return .bool(flag) }
            if let integer = Int64(scalar.text) { return .int(integer) }
            if let number = Self.parseNumber(scalar.text) { return .double(number) }
            return .string(scalar.text)
        case .sequence(let items): return .array(items.map(generic))
        case .mapping(let pairs): return .object(pairs.map { ($0.name, generic($0.value)) })
        }
    }
}
