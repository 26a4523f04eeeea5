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
            let body = subject.subject.tokens.map { token -> String in
                switch token {
                case .literal(let text): escapeInterpolated(text)
                case .field(let name): "\\(\(tokenCall(name)))"
                }
            }.joined(separator: ".")
            subjectClosure = "{ \"\(body)\" }"
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
            view.http = request.http.map(httpExpression) ?? "nil"
            view.errors = request.errors.map {
                "\(RuntimeSymbols.serviceError)(\(SwiftNames.namespace($0.namespace)).ErrorCode.\(SwiftNames.lowerCamel($0.name)))"
            }.joined(separator: ", ")
            if let lock = request.lock {
                view.hasLock = true
                view.lockPattern = literal(lock.description)
                view.lockClosure = "{ \"" + lock.parts.map { part -> String in
                    switch part {
                    case .literal(let text): escapeInterpolated(text)
                    case .field(let name): "\\(\(tokenCall(name)))"
                    }
                }.joined() + "\" }"
            }
        }
        return view
    }

    private func tokenCall(_ field: String) -> String {
        "\(RuntimeSymbols.subjectToken).encode($0.\(SwiftNames.identifier(field)))"
    }

    /// Text inside a string literal that also holds interpolations.
    private func escapeInterpolated(_ text: String) -> String {
        String(SwiftNames.stringLiteral(text).dropFirst().dropLast())
    }

    private func httpExpression(_ http: HTTPRoute) -> String {
        let literal = SwiftNames.stringLiteral
        let auth: String
        switch http.auth {
        case .public: auth = ".public"
        case .authenticated: auth = ".authenticated"
        case .roles(let roles): auth = ".roles([\(roles.map(literal).joined(separator: ", "))])"
        }
        let parameters = http.path.fields.map(literal).joined(separator: ", ")
        return "\(RuntimeSymbols.httpMapping)(method: \(literal(http.method)), path: \(literal(http.path.description)), "
            + "pathParameters: [\(parameters)], status: \(http.status), auth: \(auth))"
    }
}
