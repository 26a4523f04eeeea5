import SchemaDiagnostics
import SchemaIR
import SchemaSyntax

extension Compilation {
    static let topLevelKeys = ["namespace", "description", "version", "enums", "messages", "errors", "subjects"]
    static let reservedNames: Set<String> = [
        "String", "Int", "Double", "Bool", "UUID", "Array", "Dictionary", "Optional", "Set", "Error", "Result",
        "Never", "Any", "Type", "Self", "Protocol", "ErrorCode", "Subjects", "Handler", "Data", "Date", "DateTime",
        "CalendarDate", "JSONValue", "Swift", "Foundation", "MessagingRuntime",
    ]
    static let reservedNamespaces: Set<String> = [
        "swift", "foundation", "messagingruntime", "string", "int", "double", "bool", "uuid", "array", "dictionary",
        "optional", "set", "error", "result", "data", "date", "any", "type", "self",
    ]

    /// Reads a file's YAML and its top-level keys.
    mutating func readFile(_ source: SchemaSource) -> FileSyntax? {
        sourceLines[source.path] = source.file.lines()
        guard let root = YAMLReader.read(source.file, into: &diagnostics) else { return nil }
        guard let pairs = root.mapping else {
            if root.scalar?.isNull == true || root.scalar?.text.isEmpty == true {
                diagnostics.error("missing-key", "a schema file needs 'namespace'", at: root.range)
            } else {
                error("invalid-schema", "a schema file is a mapping with 'namespace' and its declarations, not \(root.kindDescription)", at: root)
            }
            return nil
        }
        checkKeys(pairs, allowed: Self.topLevelKeys, in: "a schema file")
        guard let namespaceNode = root["namespace"] else {
            diagnostics.error("missing-key", "a schema file needs 'namespace'", at: SourceRange(at: root.range.start))
            return nil
        }
        guard let namespace = string(namespaceNode, what: "'namespace'") else { return nil }
        guard isNamespaceName(namespace) else {
            error("invalid-name", "namespace '\(namespace)' must be lower-case letters, digits and '_', starting with a letter", at: namespaceNode)
            return nil
        }
        if Self.reservedNamespaces.contains(namespace) {
            error("reserved-name", "'\(namespace)' cannot be a namespace: its Swift name clashes with a standard type", at: namespaceNode)
            return nil
        }
        var version = 1
        if let node = root["version"], let value = integer(node, what: "'version'") {
            if value < 1 { error("invalid-value", "'version' must be 1 or more", at: node) } else { version = value }
        }
        return FileSyntax(
            source: source, namespace: namespace, namespaceNode: namespaceNode,
            description: root["description"].flatMap { string($0, what: "'description'") }, version: version,
            enums: section(root, "enums"), messages: section(root, "messages"), errors: section(root, "errors"),
            subjects: section(root, "subjects")
        )
    }

    private mutating func section(_ root: YAMLNode, _ key: String) -> [YAMLPair] {
        guard let node = root[key] else { return [] }
        if node.scalar?.isNull == true { return [] }
        guard let pairs = node.mapping else {
            error("invalid-schema", "'\(key)' must be a mapping of names to declarations, not \(node.kindDescription)", at: node)
            return []
        }
        return pairs
    }

    /// Records every namespace and the names it declares, reporting duplicates.
    mutating func declare(_ files: [FileSyntax]) {
        for file in files {
            if let existing = symbols[file.namespace] {
                error(
                    "duplicate-definition", "namespace '\(file.namespace)' is already declared in \(existing.file)",
                    at: file.namespaceNode, notes: [.note("previous definition is here", at: existing.namespaceRange)]
                )
                continue
            }
            var table = Symbols(file: file.source.path, namespaceRange: file.namespaceNode.range)
            var typeNames: [String: YAMLNode] = [:]
            for (pairs, isEnum) in [(file.enums, true), (file.messages, false)] {
                for pair in pairs {
                    let name = pair.name
                    guard isTypeName(name) else {
                        error("invalid-name", "type name '\(name)' must start with an upper-case ASCII letter and hold only ASCII letters and digits", at: pair.key)
                        continue
                    }
                    if Self.reservedNames.contains(name) {
                        error("reserved-name", "'\(name)' cannot name a type: it would hide a Swift or runtime type", at: pair.key)
                        continue
                    }
                    if let previous = typeNames[name] {
                        error(
                            "duplicate-definition", "'\(name)' is already declared in namespace '\(file.namespace)'",
                            at: pair.key, notes: [.note("previous definition is here", at: previous.range)]
                        )
                        continue
                    }
                    typeNames[name] = pair.key
                    if isEnum {
                        table.enums[name] = pair.key
                    } else {
                        table.messages[name] = pair.key
                        messageValues[QualifiedName(namespace: file.namespace, name: name)] = pair.value
                    }
                }
            }
            for pair in file.errors {
                guard isTypeName(pair.name) else {
                    error("invalid-name", "error code '\(pair.name)' must start with an upper-case ASCII letter and hold only ASCII letters and digits", at: pair.key)
                    continue
                }
                table.errors[pair.name] = pair.key
            }
            symbols[file.namespace] = table
        }
    }

    /// Reports keys that are not in `allowed`, with the closest allowed key as a suggestion.
    mutating func checkKeys(_ pairs: [YAMLPair], allowed: [String], in context: String) {
        for pair in pairs where !allowed.contains(pair.name) {
            error(
                "unknown-key", "unknown key '\(pair.name)' in \(context)\(Suggestions.didYouMean(pair.name, in: allowed))",
                at: pair.key
            )
        }
    }

    func isTypeName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetterOrDigit }
    }

    func isNamespaceName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    func isFieldName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetterOrDigit || $0 == "_" }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIILetterOrDigit: Bool { isASCIILetter || ("0"..."9").contains(self) }
}
