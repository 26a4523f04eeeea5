import SchemaDiagnostics
import SchemaIR
import SchemaSyntax

extension Compilation {
    static let requestKeys = ["subject", "kind", "description", "request", "reply", "errors", "timeout", "queue", "lock", "idempotent", "http"]
    static let eventKeys = ["subject", "kind", "description", "message", "stream"]
    static let httpKeys = ["method", "path", "status", "auth"]
    static let httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    mutating func lowerSubject(_ pair: YAMLPair, in file: FileSyntax) -> Subject? {
        let namespace = file.namespace
        guard isFieldName(pair.name) else {
            error("invalid-name", "subject name '\(pair.name)' must be letters, digits and '_'", at: pair.key)
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
        guard let subjectNode = pair.value["subject"] else {
            error("missing-key", "subject '\(pair.name)' needs 'subject', the NATS subject", at: pair.key)
            return nil
        }
        guard let subjectText = string(subjectNode, what: "'subject'"), let pattern = subjectPattern(subjectText, at: subjectNode)
        else { return nil }
        let description = pair.value["description"].flatMap { string($0, what: "'description'") }

        func messageRef(_ key: String) -> (QualifiedName, YAMLNode)? {
            guard let node = pair.value[key] else {
                error("missing-key", "\(kind) subject '\(pair.name)' needs '\(key)'", at: pair.key)
                return nil
            }
            guard let text = string(node, what: "'\(key)'"), let type = resolveType(text, in: namespace, at: node) else { return nil }
            guard case .message(let name) = type else {
                error("not-a-message", "'\(key)' must name a message, not '\(type)'", at: node)
                return nil
            }
            return (name, node)
        }

        if !isRequest {
            guard let (message, messageNode) = messageRef("message") else { return nil }
            checkTemplateFields(pattern.fields, of: message, at: subjectNode, what: "subject token")
            _ = messageNode
            var stream: String?
            if let node = pair.value["stream"], let text = string(node, what: "'stream'") {
                if text.unicodeScalars.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "_" || $0 == "-" }) {
                    stream = text
                } else {
                    error("invalid-stream", "stream name '\(text)' may hold only letters, digits, '-' and '_'", at: node)
                }
            }
            return Subject(name: pair.name, description: description, subject: pattern,
                           kind: .event(EventSubject(message: message, stream: stream)))
        }

        let request = messageRef("request"), reply = messageRef("reply")
        guard let (requestName, _) = request, let (replyName, _) = reply else { return nil }
        checkTemplateFields(pattern.fields, of: requestName, at: subjectNode, what: "subject token")
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
                error("invalid-duration", "'\(text)' is not a duration; write a positive number with ms, s, m or h, as in 2s or 500ms", at: node)
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
                checkTemplateFields(template.fields, of: requestName, at: node, what: "lock key")
                lock = template
            }
        }
        let idempotent = pair.value["idempotent"].flatMap { boolean($0, what: "'idempotent'") } ?? true
        var http: HTTPRoute?
        if let node = pair.value["http"] { http = lowerHTTP(node, request: requestName) }
        return Subject(
            name: pair.name, description: description, subject: pattern,
            kind: .request(RequestSubject(
                request: requestName, reply: replyName, errors: errors, timeoutMilliseconds: timeout, queue: queue,
                lock: lock, idempotent: idempotent, http: http
            ))
        )
    }

    mutating func lowerHTTP(_ node: YAMLNode, request: QualifiedName) -> HTTPRoute? {
        guard let pairs = node.mapping else {
            error("invalid-http", "'http' must be a mapping with 'method' and 'path'", at: node)
            return nil
        }
        checkKeys(pairs, allowed: Self.httpKeys, in: "'http'")
        guard let methodNode = node["method"], let pathNode = node["path"] else {
            error("missing-key", "'http' needs 'method' and 'path'", at: node)
            return nil
        }
        guard let methodText = string(methodNode, what: "'method'"), let pathText = string(pathNode, what: "'path'")
        else { return nil }
        let method = methodText.uppercased()
        guard Self.httpMethods.contains(method) else {
            error("invalid-value", "HTTP method '\(methodText)' is not one of \(Self.httpMethods.joined(separator: ", "))", at: methodNode)
            return nil
        }
        guard let path = routePath(pathText, at: pathNode) else { return nil }
        checkTemplateFields(path.fields, of: request, at: pathNode, what: "path parameter", id: "route-param-not-a-field")
        var status = method == "POST" ? 201 : 200
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
        return HTTPRoute(method: method, path: path, status: status, auth: auth)
    }

    mutating func resolveError(_ node: YAMLNode, in namespace: String) -> QualifiedName? {
        guard let text = string(node, what: "an error code") else { return nil }
        let name = QualifiedName(parsing: text) ?? QualifiedName(namespace: namespace, name: text)
        if symbols[name.namespace]?.errors[name.name] != nil { return name }
        let candidates = symbols[name.namespace]?.errors.keys.sorted() ?? []
        error("unknown-error", "unknown error code '\(text)'\(Suggestions.didYouMean(name.name, in: candidates))", at: node)
        return nil
    }

    /// Each `{field}` must be a required, non-null scalar field of the message.
    mutating func checkTemplateFields(
        _ names: [String], of message: QualifiedName, at node: YAMLNode, what: String,
        id: DiagnosticID = "template-field"
    ) {
        guard let fields = lowered[message]?.fields else { return }
        for name in names {
            guard let field = fields.first(where: { $0.name == name }) else {
                error(id, "\(what) '{\(name)}' names no field of '\(message.name)'\(Suggestions.didYouMean(name, in: fields.map(\.name)))", at: node)
                continue
            }
            switch field.type {
            case .string, .int, .uuid, .date, .enumeration: break
            default:
                error(id, "\(what) '{\(name)}' must be a string, int, uuid, date or enum field, not '\(field.type)'", at: node)
                continue
            }
            if field.optional || field.nullable {
                error(id, "\(what) '{\(name)}' must be a required, non-null field", at: node)
            }
        }
    }
}
