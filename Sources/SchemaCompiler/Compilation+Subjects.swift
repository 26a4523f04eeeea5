import SchemaDiagnostics
import SchemaIR
import SchemaSyntax

extension Compilation {
    static let requestKeys = ["subject", "kind", "description", "request", "reply", "errors", "timeout", "queue", "lock", "idempotent", "http"]
    static let eventKeys = ["subject", "kind", "description", "message", "stream"]
    static let httpKeys = ["method", "path", "status", "auth"]
    static let httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    /// Lowers one subject, checking every key even when an earlier one is wrong.
    mutating func lowerSubject(_ pair: YAMLPair, in file: FileSyntax) -> Subject? {
        let namespace = file.namespace
        guard isFieldName(pair.name) else {
            error("invalid-name", "subject name '\(pair.name)' must be ASCII letters, digits and '_', not starting with a digit", at: pair.key)
            return nil
        }
        guard let pairs = pair.value.mapping else {
            error("invalid-subject", "subject '\(pair.name)' must be a mapping with 'subject' and 'kind'", at: pair.value)
            return nil
        }
        guard let kindNode = pair.value["kind"] else {
            error("missing-key", "subject '\(pair.name)' needs 'kind' (request or event)", at: pair.key)
            return nil
        }
        guard let kind = string(kindNode, what: "'kind'") else { return nil }
        guard kind == "request" || kind == "event" else {
            error("invalid-value", "'kind' is 'request' or 'event', not '\(kind)'\(Suggestions.didYouMean(kind, in: ["request", "event"]))", at: kindNode)
            return nil
        }
        let isRequest = kind == "request"
        let allowed = isRequest ? Self.requestKeys : Self.eventKeys
        for entry in pairs where !allowed.contains(entry.name) {
            let other = isRequest ? Self.eventKeys : Self.requestKeys
            if other.contains(entry.name) {
                error("invalid-key", "'\(entry.name)' does not apply to \(isRequest ? "a request" : "an event") subject", at: entry.key)
            } else {
                error("unknown-key", "unknown key '\(entry.name)' in a subject\(Suggestions.didYouMean(entry.name, in: allowed))", at: entry.key)
            }
        }
        let subjectNode = pair.value["subject"]
        var pattern: SubjectPattern?
        if let subjectNode {
            if let text = string(subjectNode, what: "'subject'") { pattern = subjectPattern(text, at: subjectNode) }
        } else {
            error("missing-key", "subject '\(pair.name)' needs 'subject', the NATS subject", at: pair.key)
        }
        let description = pair.value["description"].flatMap { string($0, what: "'description'") }

        func messageRef(_ key: String) -> QualifiedName? {
            guard let node = pair.value[key] else {
                error("missing-key", "\(kind) subject '\(pair.name)' needs '\(key)'", at: pair.key)
                return nil
            }
            guard let text = string(node, what: "'\(key)'"), let type = resolveType(text, in: namespace, at: node) else { return nil }
            guard case .message(let name) = type else {
                error("not-a-message", "'\(key)' must name a message, not '\(type)'", at: node)
                return nil
            }
            return name
        }

        if !isRequest {
            let message = messageRef("message")
            if let pattern, let subjectNode {
                checkTemplateFields(pattern.fields, of: message, at: subjectNode, what: "subject token")
            }
            var stream: String?
            if let node = pair.value["stream"], let text = string(node, what: "'stream'") {
                if text.unicodeScalars.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "_" || $0 == "-" }) {
                    stream = text
                } else {
                    error("invalid-stream", "stream name '\(text)' may hold only letters, digits, '-' and '_'", at: node)
                }
            }
            guard let pattern, let message else { return nil }
            return Subject(name: pair.name, description: description, subject: pattern,
                           kind: .event(EventSubject(message: message, stream: stream)))
        }

        let request = messageRef("request"), reply = messageRef("reply")
        if let pattern, let subjectNode {
            checkTemplateFields(pattern.fields, of: request, at: subjectNode, what: "subject token")
        }
        var errors: [QualifiedName] = []
        if let node = pair.value["errors"] {
            if let items = node.sequence {
                errors = items.compactMap { resolveError($0, in: namespace) }
            } else {
                error("invalid-value", "'errors' lists error codes, as in [EmailTaken]", at: node)
            }
        }
        var timeout = 5_000
        if let node = pair.value["timeout"], let text = string(node, what: "'timeout'") {
            if let milliseconds = Self.parseDuration(text) { timeout = milliseconds } else {
                error("invalid-duration", Self.durationProblem(text), at: node)
            }
        }
        var queue = namespace
        if let node = pair.value["queue"], let text = string(node, what: "'queue'") {
            if isSubjectToken(text) { queue = text } else {
                error("invalid-value", "queue group '\(text)' may not hold spaces, '.', '*' or '>'", at: node)
            }
        }
        var lock: KeyTemplate?
        if let node = pair.value["lock"], let text = string(node, what: "'lock'") {
            if let template = keyTemplate(text, at: node) {
                checkTemplateFields(template.fields, of: request, at: node, what: "lock key")
                lock = template
            }
        }
        let idempotent = pair.value["idempotent"].flatMap { boolean($0, what: "'idempotent'") } ?? true
        var http: HTTPRoute?
        if let entry = pairs.first(where: { $0.name == "http" }) { http = lowerHTTP(entry, request: request) }
        guard let pattern, let request, let reply else { return nil }
        return Subject(
            name: pair.name, description: description, subject: pattern,
            kind: .request(RequestSubject(
                request: request, reply: reply, errors: errors, timeoutMilliseconds: timeout, queue: queue,
                lock: lock, idempotent: idempotent, http: http
            ))
        )
    }

    /// The `http:` of a request subject; `request` is nil when the request type is unknown.
    mutating func lowerHTTP(_ entry: YAMLPair, request: QualifiedName?) -> HTTPRoute? {
        let node = entry.value
        guard let pairs = node.mapping else {
            error("invalid-http", "'http' must be a mapping with 'method' and 'path'", at: node)
            return nil
        }
        checkKeys(pairs, allowed: Self.httpKeys, in: "'http'")
        let methodNode = node["method"], pathNode = node["path"]
        let missing = [methodNode == nil ? "'method'" : nil, pathNode == nil ? "'path'" : nil].compactMap { $0 }
        if !missing.isEmpty {
            error("missing-key", "'http' needs \(missing.joined(separator: " and "))", at: entry.key)
        }
        var method: String?
        if let methodNode, let text = string(methodNode, what: "'method'") {
            if Self.httpMethods.contains(text.uppercased()) { method = text.uppercased() } else {
                error("invalid-value", "HTTP method '\(text)' is not one of \(Self.httpMethods.joined(separator: ", "))\(Suggestions.didYouMean(text.uppercased(), in: Self.httpMethods))", at: methodNode)
            }
        }
        var path: KeyTemplate?
        if let pathNode, let text = string(pathNode, what: "'path'"), let route = routePath(text, at: pathNode) {
            checkTemplateFields(route.fields, of: request, at: pathNode, what: "path parameter", id: "route-param-not-a-field")
            path = route
        }
        var status: Int?
        if let statusNode = node["status"], let value = integer(statusNode, what: "'status'") {
            if (200...299).contains(value) { status = value } else {
                error("invalid-value", "a success status is 200–299, not \(value)", at: statusNode)
            }
        }
        var auth = HTTPRoute.Auth.authenticated
        if let authNode = node["auth"] {
            if let items = authNode.sequence {
                let roles = items.compactMap { string($0, what: "a role") }
                if roles.isEmpty { error("invalid-value", "'auth' lists at least one role", at: authNode) }
                auth = .roles(roles)
            } else if let text = string(authNode, what: "'auth'") {
                switch text {
                case "public": auth = .public
                case "authenticated": auth = .authenticated
                default:
                    error("invalid-value", "'auth' is public, authenticated or a list of roles, not '\(text)'\(Suggestions.didYouMean(text, in: ["public", "authenticated"]))", at: authNode)
                }
            }
        }
        guard let method, let path else { return nil }
        return HTTPRoute(method: method, path: path, status: status ?? (method == "POST" ? 201 : 200), auth: auth)
    }

    mutating func resolveError(_ node: YAMLNode, in namespace: String) -> QualifiedName? {
        guard let text = string(node, what: "an error code") else { return nil }
        let name = QualifiedName(parsing: text) ?? QualifiedName(namespace: namespace, name: text)
        if symbols[name.namespace]?.errors[name.name] != nil { return name }
        let candidates = symbols[name.namespace]?.errors.keys.sorted() ?? []
        error("unknown-error", "unknown error code '\(text)'\(Suggestions.didYouMean(name.name, in: candidates))", at: node)
        return nil
    }

    /// Each `{field}` must be a required, non-null scalar field of the message. Nothing is checked
    /// when the message is unknown.
    mutating func checkTemplateFields(
        _ names: [String], of message: QualifiedName?, at node: YAMLNode, what: String,
        id: DiagnosticID = "template-field"
    ) {
        guard let message, let fields = lowered[message]?.fields else { return }
        for name in names {
            let at = range(of: "{\(name)}", in: node)
            guard let field = fields.first(where: { $0.name == name }) else {
                // The field may be declared with an error, already reported.
                if declaredFieldNames(of: message).contains(name) { continue }
                diagnostics.error(id, "\(what) '{\(name)}' names no field of '\(message.name)'\(Suggestions.didYouMean(name, in: fields.map(\.name)))", at: at)
                continue
            }
            switch field.type {
            case .string, .int, .uuid, .date, .enumeration: break
            default:
                diagnostics.error(id, "\(what) '{\(name)}' must be a string, int, uuid, date or enum field, not '\(field.type)'", at: at)
                continue
            }
            if field.optional || field.nullable {
                diagnostics.error(id, "\(what) '{\(name)}' must be a required, non-null field", at: at)
            }
        }
    }

    /// The field names a message declares in its YAML, lowered or not.
    func declaredFieldNames(of message: QualifiedName) -> [String] {
        messageValues[message]?["fields"]?.mapping?.map(\.name) ?? []
    }
}
