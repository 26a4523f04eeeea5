import SchemaIR

extension NamespaceViews {
    func subjectsView() -> SubjectsView? {
        guard !namespace.subjects.isEmpty else { return nil }
        return SubjectsView(
            header: header, access: access, namespace: swiftNamespace, schemaName: namespace.name,
            subjects: namespace.subjects.map(subjectView)
        )
    }

    func subjectView(_ subject: Subject) -> SubjectView {
        let literal = SwiftNames.stringLiteral
        let qualifiedName = literal("\(namespace.name).\(subject.name)")
        let subjectClosure: String
        if subject.subject.fields.isEmpty {
            subjectClosure = "{ _ in \(literal(subject.subject.description)) }"
        } else {
            let pieces = subject.subject.tokens.map { token -> (String, isField: Bool) in
                switch token {
                case .literal(let text): (text, false)
                case .field(let name): (name, true)
                }
            }
            subjectClosure = interpolationClosure(pieces, separator: ".")
        }
        var view = SubjectView(
            access: access, swiftName: SwiftNames.identifier(subject.name),
            subjectDoc: SwiftNames.docComment(subject.description, remark: pointer("subjects/\(subject.name)"), indent: "        "),
            name: qualifiedName, pattern: literal(subject.subject.description),
            subscription: literal(subject.subject.subscription), subjectClosure: subjectClosure
        )
        switch subject.kind {
        case .event(let event):
            view.messageType = SwiftTypes.qualified(event.message)
            view.stream = event.stream.map(literal) ?? "nil"
        case .request(let request):
            view.isRequest = true
            view.requestType = SwiftTypes.qualified(request.request)
            view.replyType = SwiftTypes.qualified(request.reply)
            view.timeout = request.timeoutMilliseconds
            view.queue = literal(request.queue)
            view.idempotent = request.idempotent
            view.http = request.http.map { httpExpression($0, request: schema.message(request.request)) } ?? "nil"
            view.errors = request.errors.map {
                "\(RuntimeSymbols.serviceError)(\(SwiftNames.namespace($0.namespace)).ErrorCode.\(SwiftNames.lowerCamel($0.name)))"
            }.joined(separator: ", ")
            if let lock = request.lock {
                view.hasLock = true
                view.lockPattern = literal(lock.description)
                view.lockClosure = interpolationClosure(lock.parts.map { part -> (String, isField: Bool) in
                    switch part {
                    case .literal(let text): (text, false)
                    case .field(let name): (name, true)
                    }
                }, separator: "")
            }
        }
        return view
    }

    /// `{ "literal.\(SubjectToken.encode($0.field))" }`: each field of the request as an escaped token.
    private func interpolationClosure(_ pieces: [(String, isField: Bool)], separator: String) -> String {
        let body = pieces.map { text, isField in
            isField
                ? "\\(\(RuntimeSymbols.subjectToken).encode($0.\(SwiftNames.identifier(text))))"
                : String(SwiftNames.stringLiteral(text).dropFirst().dropLast())
        }.joined(separator: separator)
        return "{ \"\(body)\" }"
    }

    private func httpExpression(_ http: HTTPRoute, request: MessageType?) -> String {
        let literal = SwiftNames.stringLiteral
        let auth: String
        switch http.auth {
        case .public: auth = ".public"
        case .authenticated: auth = ".authenticated"
        case .roles(let roles): auth = ".roles([\(roles.map(literal).joined(separator: ", "))])"
        }
        let parameters = http.path.fields.map(literal).joined(separator: ", ")
        // Parameters arrive as text: the fields that are numbers or booleans in JSON say so.
        // Only what can arrive as a parameter: path fields, and every field of a GET or DELETE (the query).
        let takesQuery = ["GET", "DELETE", "HEAD"].contains(http.method)
        let kinds = (request?.fields ?? []).filter { takesQuery || http.path.fields.contains($0.name) }.compactMap { field -> String? in
            switch field.type {
            case .int: "\(literal(field.name)): .integer"
            case .double: "\(literal(field.name)): .number"
            case .bool: "\(literal(field.name)): .boolean"
            default: nil
            }
        }
        let kindList = kinds.isEmpty ? "" : ", parameterKinds: [\(kinds.joined(separator: ", "))]"
        return "\(RuntimeSymbols.httpMapping)(method: \(literal(http.method)), path: \(literal(http.path.description)), "
            + "pathParameters: [\(parameters)], status: \(http.status), auth: \(auth)\(kindList))"
    }
}
