import SchemaDiagnostics
import SchemaIR
import SchemaSyntax

/// Checks that need the whole lowered schema.
extension Compilation {
    /// A message that must contain another value of itself (through required, non-null fields)
    /// has no finite JSON value. Recursion through optional or nullable fields, unions, arrays and
    /// maps is fine: the generator stores such fields indirectly.
    mutating func checkCycles(_ schema: Schema) {
        for namespace in schema.namespaces {
            for message in namespace.messages {
                for (target, via) in schema.directReferences(of: message, requiredOnly: true)
                where schema.reaches(target, message.name, requiredOnly: true) {
                    diagnostics.error(
                        "recursive-type",
                        "'\(message.name.name)' always contains another '\(message.name.name)' through the required field '\(via)', so no value can be written; make a field on the way optional or nullable, or use an array",
                        at: location(of: message.name, field: via)
                    )
                    break
                }
            }
        }
    }

    /// Variants of a union are record messages that do not declare the discriminator themselves.
    mutating func checkUnions(_ schema: Schema) {
        for namespace in schema.namespaces {
            for message in namespace.messages {
                guard case .union(let discriminator, let variants) = message.shape else { continue }
                var tags: Set<String> = []
                for variant in variants {
                    tags.insert(variant.tag)
                    guard let target = schema.message(variant.message) else { continue }
                    if case .union = target.shape {
                        let value = messageValues[message.name]?["oneOf"]?[variant.tag]
                        diagnostics.error("invalid-union-variant", "variant '\(variant.tag)' of '\(message.name.name)' is itself a union; variants are record messages",
                                          at: value?.range ?? location(of: message.name, field: nil))
                    } else if target.fields.contains(where: { $0.name == discriminator }) {
                        diagnostics.error("invalid-union-variant", "'\(variant.message.name)' declares the discriminator field '\(discriminator)' of union '\(message.name.name)'",
                                          at: location(of: variant.message, field: discriminator))
                    }
                }
            }
        }
    }

    /// Two subjects on the same NATS subject, or two routes on the same method and path (errors);
    /// two subjects that some concrete subject matches both (a warning: a message on it reaches either).
    mutating func checkClashes(_ schema: Schema, files: [FileSyntax]) {
        var subjects: [String: SourceRange] = [:]
        var patterns: [(SubjectPattern, SourceRange)] = []
        var routes: [String: SourceRange] = [:]
        for namespace in schema.namespaces {
            guard let file = files.first(where: { $0.source.path == namespace.file }) else { continue }
            for subject in namespace.subjects {
                guard let pair = file.subjects.first(where: { $0.name == subject.name }) else { continue }
                let subjectRange = pair.value["subject"]?.range ?? pair.key.range
                if let previous = subjects[subject.subject.subscription] {
                    diagnostics.error("subject-clash", "subject '\(subject.subject)' is already used", at: subjectRange,
                                      notes: [.note("previous definition is here", at: previous)])
                } else {
                    subjects[subject.subject.subscription] = subjectRange
                    if let (other, range) = patterns.first(where: { Self.overlap($0.0, subject.subject) }) {
                        diagnostics.warning(
                            "subject-overlap",
                            "subject '\(subject.subject)' overlaps '\(other)': a message on a subject both match reaches either subscriber",
                            at: subjectRange, notes: [.note("the other subject is here", at: range)]
                        )
                    }
                    patterns.append((subject.subject, subjectRange))
                }
                guard case .request(let request) = subject.kind, let http = request.http else { continue }
                let shape = http.path.parts.map { part -> String in
                    if case .literal(let text) = part { return text }
                    return "{}"
                }.joined()
                let key = "\(http.method) \(shape)"
                let range = pair.value["http"]?["path"]?.range ?? pair.key.range
                if let previous = routes[key] {
                    diagnostics.error("route-clash", "route \(http.method) \(http.path) clashes with another route", at: range,
                                      notes: [.note("previous definition is here", at: previous)])
                } else {
                    routes[key] = range
                }
            }
        }
    }

    /// Whether some concrete subject matches both patterns (`{field}` matches any one token).
    static func overlap(_ a: SubjectPattern, _ b: SubjectPattern) -> Bool {
        guard a.tokens.count == b.tokens.count else { return false }
        return zip(a.tokens, b.tokens).allSatisfy { pair in
            switch pair {
            case (.literal(let x), .literal(let y)): x == y
            default: true
            }
        }
    }

    /// Where to point for a message, or one of its fields.
    func location(of message: QualifiedName, field: String?) -> SourceRange? {
        guard let key = symbols[message.namespace]?.messages[message.name] else { return nil }
        guard let field, let value = messageValues[message] else { return key.range }
        if let fieldKey = value["fields"]?.mapping?.first(where: { $0.name == field })?.key { return fieldKey.range }
        if let tagKey = value["oneOf"]?.mapping?.first(where: { $0.name == field })?.key { return tagKey.range }
        return key.range
    }
}
